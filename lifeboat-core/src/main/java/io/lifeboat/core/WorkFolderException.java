package io.lifeboat.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A task's work folder failed it ({@link LocalFailure}: removed, too many open files, disk full,
 * not permitted, ...). Fatal, unlike a failure of the store: waiting does not bring a removed file
 * back or free the disk. Its message names the folder, the cause and the fix.
 */
public final class WorkFolderException extends IOException {

    private final transient Path folder;
    private final LocalFailure failure;

    private WorkFolderException(String message, Path folder, LocalFailure failure, IOException cause) {
        super(message, cause);
        this.folder = folder;
        this.failure = failure;
    }

    /**
     * @param doing    what failed, such as "cannot make a local copy of segment ..."
     * @param folder   the work folder
     * @param placedBy what decides where the folder is, such as "the worker's java.io.tmpdir"
     */
    public static WorkFolderException of(String doing, Path folder, String placedBy, IOException e) {
        LocalFailure failure = LocalFailure.of(e, folder);
        return new WorkFolderException(doing + " in the work folder " + folder + ": " + failure.describe(e) + "; "
                + failure.fix(placedBy), folder, failure, e);
    }

    /** The work-folder failure in {@code e}'s cause chain, if any. */
    public static Optional<WorkFolderException> in(Throwable e) {
        return Causes.find(e, WorkFolderException.class);
    }

    public Path folder() {
        return folder;
    }

    public LocalFailure failure() {
        return failure;
    }
}
