package io.lifeboat.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A task's own local folder (the backup's spool, the restore's segment copies), held with a file
 * lock for as long as the task runs. When a task starts, it removes the folders of tasks that are
 * gone (a worker that crashed leaves its folder behind): a folder whose lock can be taken has no
 * live owner. Nothing in such a folder is needed after its task is gone: spooled records were not
 * committed and will be consumed again, and segment copies are read again from the store.
 *
 * <p>Cleaning up and creating happen as one step, guarded in this JVM and, through a lock file in
 * the parent folder, across processes: a folder whose lock file exists but is not locked yet (its
 * task is between creating and locking it) must never look abandoned to another task starting at
 * the same moment.
 */
public final class WorkDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkDirectory.class);
    private static final String LOCK = ".lock";
    private static final String CREATE_LOCK = ".create.lock";
    private static final Object CREATE_GUARD = new Object();
    private static final long GUARD_WAIT_NANOS = 30_000_000_000L;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    private WorkDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** A new folder under {@code parent} named {@code namePrefix} + a random id. */
    public static WorkDirectory create(Path parent, String namePrefix) throws IOException {
        Files.createDirectories(parent);
        synchronized (CREATE_GUARD) {
            try (FileChannel guard = FileChannel.open(parent.resolve(CREATE_LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = lockGuard(guard, parent)) {
                removeAbandoned(parent, namePrefix);
                Path dir = Files.createDirectory(parent.resolve(namePrefix + UUID.randomUUID()));
                FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                try {
                    return new WorkDirectory(dir, channel, channel.lock());
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }
        }
    }

    /**
     * Waits for the guard: held by another process, {@code lock()} waits; held by another copy of
     * this class in this JVM (two plugin versions installed side by side), it throws, so try again.
     */
    private static FileLock lockGuard(FileChannel guard, Path parent) throws IOException {
        long deadline = System.nanoTime() + GUARD_WAIT_NANOS;
        while (true) {
            try {
                return guard.lock();
            } catch (OverlappingFileLockException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Another task in this worker holds " + parent.resolve(CREATE_LOCK)
                            + " for too long", e);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while waiting for " + parent.resolve(CREATE_LOCK), interrupted);
                }
            }
        }
    }

    public Path path() {
        return dir;
    }

    private static void removeAbandoned(Path parent, String namePrefix) {
        try (Stream<Path> children = Files.list(parent)) {
            children.filter(p -> p.getFileName().toString().startsWith(namePrefix) && Files.isDirectory(p))
                    .filter(WorkDirectory::isAbandoned)
                    .forEach(p -> {
                        log.info("Removing {}, the work folder of a task that is gone", p);
                        delete(p);
                    });
        } catch (IOException e) {
            log.warn("Cannot look for abandoned work folders in {}: {}", parent, e.getMessage());
        }
    }

    private static boolean isAbandoned(Path dir) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            return true; // checked under the guard: its task stopped between creating and locking it
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held by a task in this JVM
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Cannot remove the work folder {}: {}", dir, e.getMessage());
        }
    }

    /** Releases the lock and removes the folder with everything in it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.debug("Releasing the lock of {} failed: {}", dir, e.getMessage());
        }
        delete(dir);
    }
}
