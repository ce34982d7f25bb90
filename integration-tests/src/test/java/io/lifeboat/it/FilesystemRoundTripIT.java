package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Back up, lose and restore the awkward sample topics through a filesystem store: every record comes
 * back byte for byte (null vs empty, headers, timestamps, partitions, order), aborted transactions stay
 * lost, empty partitions are recreated, and {@code restore.topic.mapping} restores under new names.
 */
class FilesystemRoundTripIT extends RoundTripChecks {

    @TempDir
    static Path storeRoot;

    @Override
    protected Map<String, String> openStore() {
        return ConnectorConfigs.filesystemStorage(storeRoot, "cluster-a/nightly");
    }

    @Override
    protected void closeStore() {
    }

    @Override
    protected String label() {
        return "fs";
    }

    @Override
    protected List<String> cliStoreArgs() {
        return List.of("--root", storeRoot.toString(), "--prefix", "cluster-a/nightly");
    }
}
