package io.lifeboat.backup;

import io.lifeboat.core.LocalFailure;
import io.lifeboat.core.segment.OpenSpoolFiles;
import org.apache.kafka.connect.errors.ConnectException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns an error of the local spool into a task failure that names its real cause
 * ({@link LocalFailure}: the spool folder or a file in it removed under the running task, too many
 * open files, a full disk, no permission, or anything else) and its fix. Each is fatal: retrying
 * cannot bring a removed file back, and the records of the open segments were never committed, so a
 * restarted task consumes them again.
 */
final class SpoolFailure {

    private static final String RESTART = " Nothing after the last committed offset is lost: the restarted task "
            + "consumes again from there.";

    private SpoolFailure() {
    }

    /**
     * @param doing what failed, such as "Cannot write offset 7 of orders-0 to the local spool"
     */
    static ConnectException of(IOException e, Path spoolDir, String doing) {
        LocalFailure cause = LocalFailure.of(e, spoolDir);
        String limit = cause == LocalFailure.TOO_MANY_OPEN_FILES ? " (each backup task keeps at most "
                + OpenSpoolFiles.DEFAULT_MAX_OPEN + " spool files open)" : "";
        return new ConnectException(doing + " in " + spoolDir + " (" + BackupSinkConfig.SPOOL_DIR + "): "
                + cause.describe(e) + limit + ". The task stops; " + cause.fix(BackupSinkConfig.SPOOL_DIR)
                + ", then restart it." + RESTART, e);
    }
}
