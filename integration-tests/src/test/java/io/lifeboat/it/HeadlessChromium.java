package io.lifeboat.it;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, for tests that open a page as a user would. When it is missing, the
 * setup installs the {@code chromium} package (as root, with apt-get); where that cannot be done the
 * test is skipped with a message saying so, printed to the build's output.
 */
final class HeadlessChromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** Chromium, installed first when missing; skips the calling test when it cannot be had. */
    static HeadlessChromium findOrInstall() throws Exception {
        Path found = find();
        if (found == null) {
            String why = install();
            found = find();
            if (found == null) {
                String message = "SKIPPED: headless Chromium is not installed and could not be (" + why + "); install "
                        + "Debian's chromium package to run this test";
                System.err.println(message);
                Assumptions.abort(message);
            }
        }
        return new HeadlessChromium(found);
    }

    private static Path find() {
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    private static String install() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return "no apt-get on this machine";
        }
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes()).trim();
        if (!"0".equals(uid)) {
            return "not root, so apt-get cannot install it";
        }
        System.err.println("Installing Debian's chromium package for the report rendering test (apt-get)...");
        File log = Files.createTempFile("chromium-install-", ".log").toFile();
        int code = apt(log, "install", "-y", "-q", "chromium");
        if (code != 0) { // the package lists may be missing on a fresh machine
            apt(log, "update", "-q");
            code = apt(log, "install", "-y", "-q", "chromium");
        }
        return code == 0 ? "installed" : "apt-get install chromium exited " + code + ", see " + log;
    }

    private static int apt(File log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(args));
        Process apt = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        if (!apt.waitFor(15, TimeUnit.MINUTES)) {
            apt.destroyForcibly();
            return -1;
        }
        return apt.exitValue();
    }

    /** Opens {@code page} (a file) in a {@code width}x{@code height} window and saves what it shows as a PNG. */
    Path screenshot(Path page, int width, int height, Path png) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), page.toUri().toString()));
        Process chromium = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = chromium.getInputStream().readAllBytes();
        if (!chromium.waitFor(2, TimeUnit.MINUTES) || chromium.exitValue() != 0 || !Files.exists(png)) {
            throw new IOException("chromium did not take a screenshot of " + page + " (exit "
                    + (chromium.isAlive() ? "none" : chromium.exitValue()) + "): " + new String(output));
        }
        return png;
    }
}
