package io.lifeboat.backup;

import io.lifeboat.core.segment.OpenSpoolFiles;
import org.apache.kafka.connect.errors.ConnectException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns an error of the local spool into a task failure that names its real cause: the spool
 * folder or a file in it removed under the running task, too many open files, a full disk, or
 * anything else. Each is fatal: retrying cannot bring a removed file back, and the records of the
 * open segments were never committed, so a restarted task consumes them again.
 */
final class SpoolFailure {

    private static final String RESTART = " Nothing after the last committed offset is lost: the restarted task "
            + "consumes again from there.";

    enum Cause { REMOVED, TOO_MANY_OPEN_FILES, DISK_FULL, OTHER }

    private SpoolFailure() {
    }

    /**
     * @param doing what failed, such as "Cannot write offset 7 of orders-0 to the local spool"
     */
    static ConnectException of(IOException e, Path spoolDir, String doing) {
        String where = " in " + spoolDir + " (" + BackupSinkConfig.SPOOL_DIR + ")";
        String message = switch (cause(e, spoolDir)) {
            case REMOVED -> doing + where + ": the spool folder or a file in it was removed while the task was "
                    + "running (" + e.getMessage() + "), by a tmp cleaner such as systemd-tmpfiles or by another "
                    + "process. The task stops; keep " + BackupSinkConfig.SPOOL_DIR + " out of reach of tmp "
                    + "cleaners, then restart it.";
            case TOO_MANY_OPEN_FILES -> doing + where + ": too many open files (" + e.getMessage() + "). The worker's "
                    + "open-file limit (ulimit -n, LimitNOFILE) is too low for its tasks; each backup task keeps at "
                    + "most " + OpenSpoolFiles.DEFAULT_MAX_OPEN + " spool files open. Raise the limit and restart "
                    + "the task.";
            case DISK_FULL -> doing + where + ": the disk is full (" + e.getMessage() + "). Make room or point "
                    + BackupSinkConfig.SPOOL_DIR + " at a larger disk, then restart the task.";
            case OTHER -> doing + where + ": " + e.getMessage() + ".";
        };
        return new ConnectException(message + RESTART, e);
    }

    static Cause cause(IOException e, Path spoolDir) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("Too many open files")) {
                return Cause.TOO_MANY_OPEN_FILES;
            }
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return Cause.DISK_FULL;
            }
        }
        if (!Files.isDirectory(spoolDir)) {
            return Cause.REMOVED;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchFileException) {
                return Cause.REMOVED;
            }
        }
        return Cause.OTHER;
    }
}
