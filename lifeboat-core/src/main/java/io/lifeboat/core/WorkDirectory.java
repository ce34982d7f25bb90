package io.lifeboat.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A task's own local folder (the backup's spool, the restore's segment copies), held with a file
 * lock for as long as the task runs. When a task starts, and then with every heartbeat while a task
 * of this JVM holds a folder, the folders of tasks that are gone are removed (a worker that crashed
 * leaves its folder behind) from every parent folder this JVM created folders in, for the same name
 * prefix. Nothing in such a folder is needed after its task is gone: spooled records were not
 * committed and will be consumed again, and segment copies are read again from the store.
 *
 * <p>A folder is removed only when all of these hold:
 * <ul>
 *   <li>it was not created by this JVM. Every folder's name carries the id of the JVM that created
 *       it ({@code <prefix>jvm<id>-<random>}); the id is kept in a system property, so that every
 *       copy of this class in the JVM (plugins installed side by side each load their own) uses
 *       the same one. The check therefore never opens a lock file that this JVM holds: on Linux
 *       file locks belong to the process, and closing <em>any</em> descriptor of a file drops the
 *       process's locks on it, so a second channel opened and closed by the check would unlock a
 *       live task's folder for every other process on the host;</li>
 *   <li>neither the folder nor anything in it was modified within {@link #LIVE_WINDOW_MILLIS}. The
 *       owner touches its lock file every {@link #HEARTBEAT_MILLIS}, so a live folder always looks
 *       recent, even when its lock was lost (it writes the time into the lock file through its own
 *       channel: {@code Files.setLastModifiedTime} would open a second descriptor); a folder being
 *       created right now is recent too, so creating needs no guard across processes;</li>
 *   <li>its lock file is missing or its lock can be taken: no process holds it.</li>
 * </ul>
 * The heartbeat also re-creates and re-locks a lock file that was deleted under a running task
 * (a tmp cleaner such as systemd-tmpfiles). A folder removed under a running task is not created
 * again: the task's next write there fails it (the backup's spool, the restore's segment copies
 * treat a local failure as fatal). A folder of this JVM whose task never closed it stays until the
 * JVM exits; another JVM removes it once it is old.
 *
 * <p>Each folder has one lock file and this JVM opens exactly one channel on it, its owner's.
 * Folders left by Lifeboat versions before the JVM id was in the name are treated as another
 * JVM's; should such an older copy run in this same worker, its idle folder could lose its lock
 * when this check probes it.
 */
public final class WorkDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkDirectory.class);
    private static final String LOCK = ".lock";
    /** System property holding this JVM's id, shared by every copy of this class in the JVM. */
    static final String JVM_ID_PROPERTY = "io.lifeboat.work.folder.jvm.id";
    /** A folder with anything modified this recently is live. */
    static final long LIVE_WINDOW_MILLIS = 3_600_000;
    /** How often an owner touches its lock file (and re-creates it when it is gone). */
    static final long HEARTBEAT_MILLIS = 600_000;

    /** The folders this copy of the class holds, by real path; the heartbeat refreshes them. */
    private static final Map<Path, WorkDirectory> HELD = new ConcurrentHashMap<>();
    /** Where this copy of the class created folders: the heartbeat looks there for abandoned ones. */
    private static final Set<Sweep> SWEPT = ConcurrentHashMap.newKeySet();
    private static ScheduledExecutorService heartbeat;

    private final Path dir;
    private FileChannel lockChannel;
    private FileLock lock;
    private Object lockFileKey;
    private boolean closed;
    private boolean reportedGone;

    /** A parent folder and the name prefix of the task folders in it. */
    private record Sweep(Path parent, String namePrefix) {
    }

    private WorkDirectory(Path dir) {
        this.dir = dir;
    }

    /** A new folder under {@code parent} named {@code namePrefix} + this JVM's id + a random id. */
    public static WorkDirectory create(Path parent, String namePrefix) throws IOException {
        Files.createDirectories(parent);
        removeAbandoned(parent, namePrefix);
        Path created = Files.createDirectory(parent.resolve(namePrefix + ownerTag() + UUID.randomUUID()));
        WorkDirectory work = new WorkDirectory(created.toRealPath());
        try {
            synchronized (work) {
                work.lockFile();
            }
        } catch (IOException | RuntimeException e) {
            delete(work.dir);
            throw e;
        }
        HELD.put(work.dir, work);
        SWEPT.add(new Sweep(parent, namePrefix));
        startHeartbeat();
        return work;
    }

    /** {@code jvm<id>-}: the part of a folder's name after the prefix that says which JVM created it. */
    static String ownerTag() {
        Object id = System.getProperties().computeIfAbsent(JVM_ID_PROPERTY,
                k -> UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        return "jvm" + id + "-";
    }

    public Path path() {
        return dir;
    }

    private void lockFile() throws IOException {
        Path lockFile = dir.resolve(LOCK);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock taken = channel.tryLock();
            if (taken == null) {
                throw new IOException("Another process holds the lock file " + lockFile + " of this task's folder");
            }
            lockFileKey = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
            lockChannel = channel;
            lock = taken;
            touch();
        } catch (IOException | RuntimeException e) {
            lockChannel = null;
            lock = null;
            channel.close();
            throw e;
        }
    }

    /**
     * The heartbeat of every folder this copy of the class holds ({@link #refresh()}), then the
     * removal of abandoned folders next to them, by the rules of {@link #create}.
     */
    // visible for testing
    static void heartbeat() {
        HELD.values().forEach(WorkDirectory::refresh);
        for (Sweep sweep : SWEPT) {
            try {
                if (Files.isDirectory(sweep.parent())) {
                    removeAbandoned(sweep.parent(), sweep.namePrefix());
                }
            } catch (RuntimeException e) { // a failed run would end the schedule
                log.warn("Cannot look for abandoned work folders in {}: {}", sweep.parent(), e.toString());
            }
        }
    }

    /**
     * The heartbeat of one folder: touches the lock file, so the folder stays recent, and re-creates
     * and re-locks a lock file that was deleted or replaced. A folder that is gone is left gone: the
     * task fails with its next write there.
     */
    // visible for testing
    synchronized void refresh() {
        if (closed) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            if (!reportedGone) {
                reportedGone = true;
                log.error("The work folder {} was removed while its task is running (a tmp cleaner?); the task "
                        + "fails with its next write there", dir);
            }
            return;
        }
        Path lockFile = dir.resolve(LOCK);
        try {
            if (!isOurLockFile(lockFile)) {
                log.warn("The lock file {} was removed while its task is running (a tmp cleaner?); locking it again",
                        lockFile);
                releaseLock();
                lockFile();
            }
            touch();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot refresh the lock of the work folder {}: {}", dir, e.getMessage());
        }
    }

    /**
     * Writes the time into the lock file through the owner's own channel, which sets its modification
     * time. Never {@code Files.setLastModifiedTime}: it opens (and closes) another descriptor of the
     * file, which drops this process's lock on Linux.
     */
    private void touch() throws IOException {
        byte[] line = ("pid " + ProcessHandle.current().pid() + ", alive at " + Instant.now() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(line), 0);
    }

    private boolean isOurLockFile(Path lockFile) throws IOException {
        if (lock == null || !lock.isValid()) {
            return false;
        }
        try {
            Object key = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
            return key == null || Objects.equals(key, lockFileKey);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static synchronized void startHeartbeat() {
        if (heartbeat == null) {
            heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lifeboat-work-folder-heartbeat");
                t.setDaemon(true);
                return t;
            });
            heartbeat.scheduleWithFixedDelay(WorkDirectory::heartbeat,
                    HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static synchronized void stopHeartbeatWhenIdle() {
        if (HELD.isEmpty() && heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
    }

    private static void removeAbandoned(Path parent, String namePrefix) {
        String ours = namePrefix + ownerTag();
        long now = System.currentTimeMillis();
        try (Stream<Path> children = Files.list(parent)) {
            children.filter(p -> p.getFileName().toString().startsWith(namePrefix)
                            && !p.getFileName().toString().startsWith(ours) && Files.isDirectory(p))
                    .filter(p -> !isRecent(p, now))
                    .filter(WorkDirectory::isUnlocked)
                    .forEach(p -> {
                        log.info("Removing {}, the work folder of a task that is gone", p);
                        delete(p);
                    });
        } catch (IOException | UncheckedIOException e) {
            // another task or the heartbeat may be removing the same folder at this moment
            log.warn("Cannot look for abandoned work folders in {}: {}", parent, e.getMessage());
        }
    }

    private static boolean isRecent(Path dir, long now) {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.anyMatch(p -> {
                try {
                    return now - Files.getLastModifiedTime(p).toMillis() < LIVE_WINDOW_MILLIS;
                } catch (IOException e) {
                    return true; // changing right now
                }
            });
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Only for folders of other JVMs: closing this probe drops no lock this process holds. */
    private static boolean isUnlocked(Path dir) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) { // removed by someone else while walking it
            log.warn("Cannot remove the work folder {}: {}", dir, e.getMessage());
        }
    }

    private void releaseLock() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("Releasing the lock of {} failed: {}", dir, e.getMessage());
        }
        lock = null;
        lockChannel = null;
    }

    /** Releases the lock and removes the folder with everything in it. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            releaseLock();
        }
        HELD.remove(dir);
        stopHeartbeatWhenIdle();
        delete(dir);
    }
}
