package io.lifeboat.backup;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exceptions as the JDK throws them on Linux for EMFILE, ENOSPC and ENOENT. */
class SpoolFailureTest {

    @TempDir
    Path spoolDir;

    @Test
    void tooManyOpenFilesIsNotCalledADiskFull() {
        IOException emfile = new FileSystemException(spoolDir.resolve("orders-0-1.spool").toString(), null,
                "Too many open files");
        assertEquals(SpoolFailure.Cause.TOO_MANY_OPEN_FILES, SpoolFailure.cause(emfile, spoolDir));
        ConnectException e = SpoolFailure.of(emfile, spoolDir, "Cannot write offset 7 of orders-0 to the local spool");
        assertTrue(e.getMessage().contains("too many open files"), e.getMessage());
        assertTrue(e.getMessage().contains("ulimit -n"), e.getMessage());
        assertTrue(!e.getMessage().contains("disk is full"), e.getMessage());

        IOException legacy = new FileNotFoundException(spoolDir + "/x.spool (Too many open files)");
        assertEquals(SpoolFailure.Cause.TOO_MANY_OPEN_FILES, SpoolFailure.cause(legacy, spoolDir));
    }

    @Test
    void noSpaceLeftIsADiskFull() {
        IOException enospc = new IOException("No space left on device");
        ConnectException e = SpoolFailure.of(enospc, spoolDir, "Cannot write offset 7 of orders-0 to the local spool");
        assertEquals(SpoolFailure.Cause.DISK_FULL, SpoolFailure.cause(enospc, spoolDir));
        assertTrue(e.getMessage().contains("the disk is full"), e.getMessage());
        assertTrue(e.getMessage().contains(spoolDir.toString()), e.getMessage());
    }

    @Test
    void aMissingFileOrFolderIsNamed() {
        Path gone = spoolDir.resolve("orders-0-1.spool");
        assertEquals(SpoolFailure.Cause.REMOVED, SpoolFailure.cause(new NoSuchFileException(gone.toString()), spoolDir));
        assertEquals(SpoolFailure.Cause.REMOVED, SpoolFailure.cause(new IOException("Not a directory"),
                spoolDir.resolve("no-such-folder")));
        assertEquals(SpoolFailure.Cause.OTHER, SpoolFailure.cause(new IOException("Input/output error"), spoolDir));
    }
}
