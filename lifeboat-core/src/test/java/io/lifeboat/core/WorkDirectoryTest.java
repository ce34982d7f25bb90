package io.lifeboat.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkDirectoryTest {

    @TempDir
    Path parent;

    @Test
    void abandonedFoldersAreRemovedAndLiveOnesKept() throws IOException {
        Path abandoned = Files.createDirectories(parent.resolve("task-dead"));
        Files.createFile(abandoned.resolve(".lock"));
        Files.writeString(abandoned.resolve("orders-0-1.spool"), "left by a crashed worker");
        Path unrelated = Files.createDirectories(parent.resolve("not-a-task"));

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
}
