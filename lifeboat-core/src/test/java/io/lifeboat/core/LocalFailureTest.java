package io.lifeboat.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exceptions as the JDK throws them on Linux for EMFILE, ENOSPC, EACCES, EROFS and ENOENT. */
class LocalFailureTest {

    @TempDir
    Path folder;

    @Test
    void tooManyOpenFilesIsNotCalledADiskFull() {
        IOException emfile = new FileSystemException(folder.resolve("orders-0-1.spool").toString(), null,
                "Too many open files");
        assertEquals(LocalFailure.TOO_MANY_OPEN_FILES, LocalFailure.of(emfile, folder));
        assertEquals(LocalFailure.TOO_MANY_OPEN_FILES,
                LocalFailure.of(new FileNotFoundException(folder + "/x.spool (Too many open files)"), folder));
        assertTrue(LocalFailure.TOO_MANY_OPEN_FILES.describe(emfile).contains("ulimit -n"));
    }

    @Test
    void noSpaceLeftAndAQuotaAreADiskFull() {
        assertEquals(LocalFailure.DISK_FULL, LocalFailure.of(new IOException("No space left on device"), folder));
        assertEquals(LocalFailure.DISK_FULL, LocalFailure.of(new IOException("wrapped",
                new IOException("Disk quota exceeded")), folder));
    }

    @Test
    void aRefusedWriteIsNotPermittedEvenInAFolderThatIsGone() {
        assertEquals(LocalFailure.NOT_PERMITTED, LocalFailure.of(new AccessDeniedException("/backup/x"), folder));
        assertEquals(LocalFailure.NOT_PERMITTED, LocalFailure.of(new FileSystemException("/backup/x", null,
                "Read-only file system"), folder.resolve("gone")));
        assertEquals(LocalFailure.NOT_PERMITTED, LocalFailure.of(new IOException("/backup/x: Permission denied"), null));
    }

    @Test
    void aMissingFileOrFolderIsRemoved() {
        assertEquals(LocalFailure.REMOVED, LocalFailure.of(new NoSuchFileException(folder.resolve("a").toString()),
                folder));
        assertEquals(LocalFailure.REMOVED, LocalFailure.of(new IOException("Not a directory"),
                folder.resolve("no-such-folder")));
        assertEquals(LocalFailure.OTHER, LocalFailure.of(new IOException("Input/output error"), folder));
    }

    @Test
    void aWorkFolderExceptionNamesTheFolderTheCauseAndTheFix() {
        Path gone = folder.resolve("restore-task-1");
        NoSuchFileException cause = new NoSuchFileException(gone.resolve("segment-1.avro").toString());
        WorkFolderException e = WorkFolderException.of("cannot make a local copy of segment s", gone,
                "the worker's java.io.tmpdir", cause);
        assertSame(LocalFailure.REMOVED, e.failure());
        assertEquals(gone, e.folder());
        assertEquals("cannot make a local copy of segment s in the work folder " + gone + ": the work folder or a "
                + "file in it was removed while the task was running (" + gone.resolve("segment-1.avro") + "), by a "
                + "tmp cleaner such as systemd-tmpfiles or by another process; keep the worker's java.io.tmpdir out "
                + "of reach of tmp cleaners", e.getMessage());
        assertSame(e, WorkFolderException.in(new IOException("outer", e)).orElseThrow());
    }
}
