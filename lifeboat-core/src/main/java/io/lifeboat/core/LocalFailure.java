package io.lifeboat.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a failed operation on a local folder (a task's work folder, the filesystem store's root)
 * says about its cause, read from the exception as the JDK throws it on Linux. The one place that
 * tells these apart, so that the backup's spool, the restore's segment copies and the filesystem
 * store agree on them.
 */
public enum LocalFailure {

    /** The folder, or a file in it, is gone: removed by a tmp cleaner or another process. */
    REMOVED,
    /** EMFILE or ENFILE: the process (or the host) has no file descriptor left. */
    TOO_MANY_OPEN_FILES,
    /** ENOSPC or EDQUOT. */
    DISK_FULL,
    /** EACCES or EROFS: the worker's user may not write there. */
    NOT_PERMITTED,
    /** Anything else, such as an I/O error of the disk. */
    OTHER;

    /**
     * The cause of {@code e}, a failure of an operation in {@code folder}. A cause named in the
     * exception's text comes first; then a folder that is no longer a directory, or a file that is
     * missing, counts as removed.
     */
    public static LocalFailure of(IOException e, Path folder) {
        Optional<LocalFailure> named = Causes.of(e).map(LocalFailure::named).flatMap(Optional::stream).findFirst();
        if (named.isPresent()) {
            return named.get();
        }
        if (folder != null && !Files.isDirectory(folder)
                || Causes.find(e, NoSuchFileException.class).isPresent()) {
            return REMOVED;
        }
        return OTHER;
    }

    /** The cause one throwable of the chain names in its text (or type), if any. */
    private static Optional<LocalFailure> named(Throwable t) {
        String message = String.valueOf(t.getMessage());
        if (message.contains("Too many open files")) {
            return Optional.of(TOO_MANY_OPEN_FILES);
        }
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return Optional.of(DISK_FULL);
        }
        if (t instanceof AccessDeniedException || message.contains("Permission denied")
                || message.contains("Read-only file system")) {
            return Optional.of(NOT_PERMITTED);
        }
        return Optional.empty();
    }

    /** The cause, as a clause naming {@code e}'s own text, such as "the disk is full (No space left on device)". */
    public String describe(IOException e) {
        String detail = " (" + e.getMessage() + ")";
        return switch (this) {
            case REMOVED -> "the work folder or a file in it was removed while the task was running" + detail
                    + ", by a tmp cleaner such as systemd-tmpfiles or by another process";
            case TOO_MANY_OPEN_FILES -> "too many open files" + detail + ": the worker's open-file limit (ulimit -n, "
                    + "LimitNOFILE) is too low for its tasks";
            case DISK_FULL -> "the disk is full" + detail;
            case NOT_PERMITTED -> "the worker's user may not write there" + detail;
            case OTHER -> String.valueOf(e.getMessage());
        };
    }

    /**
     * What to do about it, as a clause such as "keep spool.dir out of reach of tmp cleaners".
     *
     * @param placedBy what decides where the folder is, such as "spool.dir" or "the worker's java.io.tmpdir"
     */
    public String fix(String placedBy) {
        return switch (this) {
            case REMOVED -> "keep " + placedBy + " out of reach of tmp cleaners";
            case TOO_MANY_OPEN_FILES -> "raise the limit";
            case DISK_FULL -> "make room, or point " + placedBy + " at a larger disk";
            case NOT_PERMITTED -> "let the worker's user write under " + placedBy + ", or point it elsewhere";
            case OTHER -> "check the disk of " + placedBy;
        };
    }
}
