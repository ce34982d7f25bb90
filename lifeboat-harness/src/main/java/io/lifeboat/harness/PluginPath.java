package io.lifeboat.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the unpacked Lifeboat plugins are: the folder named by the system property
 * {@value #PROPERTY} (set by the {@code ./lifeboat} launcher and by the integration tests), else
 * {@code lifeboat-cli/target/plugins} under the current folder or its parent.
 */
public final class PluginPath {

    public static final String PROPERTY = "lifeboat.plugin.path";

    private PluginPath() {
    }

    /** The plugin folder; throws with a hint when it cannot be found. */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path candidate : new Path[] {Path.of("target", "plugins"), Path.of("lifeboat-cli", "target", "plugins")}) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("Cannot find the Lifeboat plugins: set -D" + PROPERTY + "=<folder> or run "
                + "through the ./lifeboat launcher, which builds them");
    }
}
