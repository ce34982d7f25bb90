package io.lifeboat.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkDirectoryTest {

    private static final long TWO_HOURS = 2 * 3_600_000L;

    @TempDir
    Path parent;

    @Test
    void abandonedFoldersAreRemovedAndLiveOnesKept() throws IOException {
        Path abandoned = Files.createDirectories(parent.resolve("task-dead"));
        Files.createFile(abandoned.resolve(".lock"));
        Files.writeString(abandoned.resolve("orders-0-1.spool"), "left by a crashed worker");
        age(abandoned);
        Path unrelated = Files.createDirectories(parent.resolve("not-a-task"));
        age(unrelated);

        try (WorkDirectory live = WorkDirectory.create(parent, "task-");
             WorkDirectory second = WorkDirectory.create(parent, "task-")) {
            assertFalse(Files.exists(abandoned), "the folder without a live owner is removed");
            assertTrue(Files.isDirectory(live.path()), "a live task's folder survives another task's start");
            assertTrue(Files.isDirectory(second.path()));
            assertTrue(Files.isDirectory(unrelated), "folders that are not task folders are left alone");
            Path kept = live.path();
            second.close();
            assertTrue(Files.isDirectory(kept));
        }
        try (var children = Files.list(parent)) {
            assertTrue(children.filter(Files::isDirectory).allMatch(unrelated::equals),
                    "closing removes the task folders");
        }
    }

    /** A crashed task's folder is removed only once nothing in it changed for an hour. */
    @Test
    void foldersWithRecentFilesAreKept() throws IOException {
        Path recent = Files.createDirectories(parent.resolve("task-jvm0123456789abcdef-dead"));
        Files.createFile(recent.resolve(".lock"));
        Files.writeString(recent.resolve("orders-0-1.spool"), "written a moment ago");

        WorkDirectory.create(parent, "task-").close();
        assertTrue(Files.isDirectory(recent), "a folder with a file modified within the hour is live");

        age(recent);
        WorkDirectory.create(parent, "task-").close();
        assertFalse(Files.exists(recent), "once nothing in it changed for an hour, an unlocked folder is removed");
    }

    /**
     * A worker crashed and was restarted at once: its old folder was still recent when the new tasks
     * started. The heartbeat of a running task removes it once it is old, with no task starting.
     */
    @Test
    void theHeartbeatRemovesAFolderThatAgedAfterTheTasksStarted() throws IOException {
        try (WorkDirectory live = WorkDirectory.create(parent, "task-")) {
            Path dead = Files.createDirectories(parent.resolve("task-jvm0123456789abcdef-dead"));
            Files.createFile(dead.resolve(".lock"));
            Files.writeString(dead.resolve("orders-0-1.spool"), "left by a crashed worker");
            Path recent = Files.createDirectories(parent.resolve("task-jvmfedcba9876543210-recent"));
            Files.writeString(recent.resolve("orders-0-1.spool"), "written a moment ago");
            Path unrelated = Files.createDirectories(parent.resolve("other-jvm0123456789abcdef-dead"));

            WorkDirectory.heartbeat();
            assertTrue(Files.isDirectory(dead), "a folder modified within the hour is live");

            age(dead);
            age(unrelated);
            age(live.path());
            WorkDirectory.heartbeat();

            assertFalse(Files.exists(dead), "the heartbeat removes an abandoned folder that is old");
            assertTrue(Files.isDirectory(recent), "a recent folder stays");
            assertTrue(Files.isDirectory(unrelated), "folders of another name prefix are left alone");
            assertTrue(Files.exists(live.path().resolve(".lock")), "the folder of this JVM stays");
        }
    }

    /**
     * The heartbeat and a task starting may remove the same abandoned folder at the same moment: the
     * one that loses the race must neither fail the task's start nor stop the heartbeat.
     */
    @Test
    void twoCleanupsOfTheSameAbandonedFolderAtOnceFailNothing() throws Exception {
        try (WorkDirectory live = WorkDirectory.create(parent, "task-")) {
            age(live.path());
            for (int round = 0; round < 60; round++) {
                Path dead = Files.createDirectories(parent.resolve("task-jvm0123456789abcdef-dead-" + round));
                for (int f = 0; f < 100; f++) {
                    Files.writeString(dead.resolve("orders-" + f + ".spool"), "x");
                }
                age(dead);
                Thread sweep = new Thread(WorkDirectory::heartbeat);
                sweep.start();
                WorkDirectory.create(parent, "task-").close();
                sweep.join();
                assertFalse(Files.exists(dead), "round " + round + ": the abandoned folder was not removed");
            }
        }
    }

    /**
     * The abandoned-folder check of a task starting in this JVM must not drop the lock that another
     * task of this JVM holds: then another JVM on the host would take that live folder for
     * abandoned and remove it. The folder is aged so that only its lock protects it.
     */
    @Test
    void aCheckInThisJvmKeepsTheLockOfALiveFolderOfThisJvm() throws Exception {
        try (WorkDirectory live = WorkDirectory.create(parent, "task-")) {
            Files.writeString(live.path().resolve("orders-0-1.spool"), "records");
            try (WorkDirectory second = WorkDirectory.create(parent, "task-")) {
                age(live.path());
                assertEquals("DONE", otherJvm("start", parent.toString(), "task-"));
                assertTrue(Files.exists(live.path().resolve("orders-0-1.spool")),
                        "another JVM's start removed the live folder " + live.path());
                assertEquals("LOCKED", otherJvm("probe", live.path().resolve(".lock").toString()),
                        "another JVM must find the live folder locked after a second task's start");
            }
        }
    }

    /**
     * Two plugins installed side by side load two copies of this class in one worker: the check of
     * one copy must not drop the lock of a folder that the other copy holds.
     */
    @Test
    void twoCopiesOfTheClassInOneJvmKeepEachOthersLocks() throws Exception {
        try (URLClassLoader first = isolatedLoader(); URLClassLoader second = isolatedLoader()) {
            Class<?> one = first.loadClass(WorkDirectory.class.getName());
            Class<?> other = second.loadClass(WorkDirectory.class.getName());
            assertNotSame(one, other, "two copies of the class");
            AutoCloseable live = (AutoCloseable) one.getMethod("create", Path.class, String.class)
                    .invoke(null, parent, "task-");
            try {
                Path held = (Path) one.getMethod("path").invoke(live);
                age(held);
                ((AutoCloseable) other.getMethod("create", Path.class, String.class).invoke(null, parent, "task-"))
                        .close();
                assertTrue(Files.isDirectory(held), "the other copy removed a live folder");
                assertEquals("LOCKED", otherJvm("probe", held.resolve(".lock").toString()),
                        "the other copy's check dropped the lock of a live folder");
            } finally {
                live.close();
            }
        }
    }

    /** A class loader like a plugin's: the test's class path, no parent but the platform's. */
    private static URLClassLoader isolatedLoader() throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** The check of this JVM leaves another JVM's live folder and its lock alone. */
    @Test
    void aCheckInThisJvmLeavesAFolderHeldByAnotherJvmAlone() throws Exception {
        Process holder = startJvm("hold", parent.toString(), "task-");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            Path held = Path.of(awaitLine(out, "HELD ").substring("HELD ".length()));
            age(held);
            WorkDirectory.create(parent, "task-").close();
            WorkDirectory.create(parent, "task-").close();
            assertTrue(Files.isDirectory(held), "this JVM removed the folder that another JVM holds");
            assertEquals("LOCKED", otherJvm("probe", held.resolve(".lock").toString()),
                    "this JVM's check dropped another JVM's lock");

            holder.getOutputStream().close();
            assertEquals("CLOSED", awaitLine(out, "CLOSED"));
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
            assertFalse(Files.exists(held), "the owner removes its folder when it closes it");
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A tmp cleaner deletes the lock file of a live folder: the heartbeat creates and locks it again. */
    @Test
    void aDeletedLockFileIsLockedAgain() throws Exception {
        try (WorkDirectory live = WorkDirectory.create(parent, "task-")) {
            Path lockFile = live.path().resolve(".lock");
            Files.delete(lockFile);
            live.refresh();
            assertTrue(Files.exists(lockFile));
            age(live.path());
            assertEquals("LOCKED", otherJvm("probe", lockFile.toString()));
            assertEquals("DONE", otherJvm("start", parent.toString(), "task-"));
            assertTrue(Files.isDirectory(live.path()));

            live.refresh();
            assertTrue(System.currentTimeMillis() - Files.getLastModifiedTime(lockFile).toMillis() < TWO_HOURS,
                    "the heartbeat keeps the lock file recent");
            assertEquals("LOCKED", otherJvm("probe", lockFile.toString()),
                    "refreshing a lock file must not drop its lock");
        }
    }

    /** Tasks of one worker start at the same moment; none may take another's new folder for abandoned. */
    @Test
    void tasksStartingTogetherKeepTheirFolders() throws Exception {
        int tasks = 8;
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            for (int round = 0; round < 400; round++) {
                List<Future<WorkDirectory>> started = new ArrayList<>();
                for (int i = 0; i < tasks; i++) {
                    started.add(pool.submit(() -> {
                        WorkDirectory dir = WorkDirectory.create(parent, "task-");
                        Files.writeString(dir.path().resolve("spool"), "records");
                        return dir;
                    }));
                }
                List<WorkDirectory> dirs = new ArrayList<>();
                for (Future<WorkDirectory> f : started) {
                    dirs.add(f.get());
                }
                for (WorkDirectory dir : dirs) {
                    assertTrue(Files.exists(dir.path().resolve("spool")), "round " + round + ": " + dir.path()
                            + " was removed while its task was running");
                    dir.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sets the modification time of a folder and everything in it two hours back, by path
     * ({@code File.setLastModified}), without opening any file: a descriptor opened and closed in
     * this JVM would drop the locks this JVM holds on it.
     */
    private static void age(Path dir) throws IOException {
        long past = System.currentTimeMillis() - TWO_HOURS;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                assertTrue(p.toFile().setLastModified(past), "cannot age " + p);
            }
        }
    }

    private static Process startJvm(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkFolderProcess.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Runs a command in another JVM and returns its answer line. */
    private static String otherJvm(String... args) throws Exception {
        Process process = startJvm(args);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            process.getOutputStream().close();
            String answer = null;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.matches("LOCKED|FREE|DONE")) {
                    answer = line;
                }
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the other JVM did not finish");
            assertEquals(0, process.exitValue(), "the other JVM failed: " + String.join(" ", args));
            return answer;
        } finally {
            process.destroyForcibly();
        }
    }

    private static String awaitLine(BufferedReader out, String prefix) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the other JVM ended before printing " + prefix);
    }
}
