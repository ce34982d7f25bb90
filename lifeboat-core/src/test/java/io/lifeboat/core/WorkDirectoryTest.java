package io.lifeboat.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
            assertTrue(children.allMatch(unrelated::equals), "closing removes the task folders");
        }
    }
}
