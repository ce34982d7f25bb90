package io.lifeboat.backup;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The messages of the spool's local failures (their causes are told apart by core's LocalFailure). */
class SpoolFailureTest {

    private static final String DOING = "Cannot write offset 7 of orders-0 to the local spool";

    @TempDir
    Path spoolDir;

    @Test
    void tooManyOpenFilesNamesTheLimitAndTheSpoolsShareOfIt() {
        IOException emfile = new FileSystemException(spoolDir.resolve("orders-0-1.spool").toString(), null,
                "Too many open files");
        ConnectException e = SpoolFailure.of(emfile, spoolDir, DOING);
        assertFalse(e instanceof RetriableException);
        assertTrue(e.getMessage().contains("too many open files"), e.getMessage());
        assertTrue(e.getMessage().contains("ulimit -n"), e.getMessage());
        assertTrue(e.getMessage().contains("at most 256 spool files open"), e.getMessage());
        assertFalse(e.getMessage().contains("disk is full"), e.getMessage());
    }

    @Test
    void noSpaceLeftIsADiskFull() {
        ConnectException e = SpoolFailure.of(new IOException("No space left on device"), spoolDir, DOING);
        assertTrue(e.getMessage().contains("the disk is full"), e.getMessage());
        assertTrue(e.getMessage().contains(spoolDir + " (spool.dir)"), e.getMessage());
        assertTrue(e.getMessage().contains("point spool.dir at a larger disk"), e.getMessage());
    }

    @Test
    void aMissingFileOrFolderIsNamed() {
        Path gone = spoolDir.resolve("orders-0-1.spool");
        ConnectException e = SpoolFailure.of(new NoSuchFileException(gone.toString()), spoolDir, DOING);
        assertTrue(e.getMessage().contains("was removed while the task was running (" + gone + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("keep spool.dir out of reach of tmp cleaners, then restart it"),
                e.getMessage());
        assertTrue(e.getMessage().contains("consumes again from there"), e.getMessage());
    }
}
