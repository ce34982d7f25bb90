package io.lifeboat.core.storage;

import io.lifeboat.core.config.StorageConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FilesystemObjectStoreTest extends ObjectStoreContract {

    private Path root;
    private FilesystemObjectStore store;

    @BeforeEach
    void openStore() {
        root = tempDir.resolve("store");
        store = new FilesystemObjectStore(root);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void writesTheFileSystemRefusesForGoodNameTheRootAndOthersMayPass() {
        IOException denied = FilesystemObjectStore.permanentOrAsIs(
                new java.nio.file.AccessDeniedException("/backups/segments/x.avro"));
        StoreAccessException deniedAccess = assertInstanceOf(StoreAccessException.class, denied);
        assertEquals(StorageConfig.FILESYSTEM_ROOT, deniedAccess.configKey());
        assertTrue(StoreAccessException.permanentCause(denied).isPresent());

        IOException readOnly = FilesystemObjectStore.permanentOrAsIs(
                new java.nio.file.FileSystemException("/backups/x", null, "Read-only file system"));
        assertEquals(StorageConfig.FILESYSTEM_ROOT, assertInstanceOf(StoreAccessException.class, readOnly).configKey());

        IOException full = new java.nio.file.FileSystemException("/backups/x", null, "No space left on device");
        assertEquals(full, FilesystemObjectStore.permanentOrAsIs(full), "a full disk may be freed: retried");
    }

    @Test
    void noTemporaryFilesRemainAfterPut() throws IOException {
        store.put("a/b/c", new byte[] {1, 2, 3});
        store.put("a/b/c", Files.write(tempDir.resolve("src"), new byte[] {4}));
        store.put("a/d", new byte[0]);
        try (Stream<Path> files = Files.walk(root)) {
            assertEquals(List.of(root.resolve("a/b/c"), root.resolve("a/d")),
                    files.filter(Files::isRegularFile).sorted().toList());
        }
    }

    @Test
    void invalidKeysAreRejected() {
        for (String key : List.of("", "/abs", "../escape", "a/../../b", "a/./b", "a//b", "a/", "a\\b", "a/.hidden")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.put(key, new byte[1]), key);
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> store.open("../x"));
        assertThrows(IllegalArgumentException.class, () -> store.list("../"));
        assertThrows(IllegalArgumentException.class, () -> store.list("a/../../"));
    }

    @Test
    void leftoverTemporaryFilesAreNotListed() throws IOException {
        store.put("p/real", new byte[7]);
        Files.write(root.resolve("p/.x.tmp"), new byte[3]);
        Files.write(root.resolve("p/.real.6f1c.tmp"), new byte[3]);
        assertEquals(List.of(new StoredObject("p/real", 7)), store.list(""));
        assertEquals(List.of(new StoredObject("p/real", 7)), store.list("p/"));
    }

    @Test
    void missingRootListsNothing() throws IOException {
        assertEquals(List.of(), new FilesystemObjectStore(tempDir.resolve("absent")).list(""));
        assertThrows(NoSuchObjectException.class, () -> store.open("absent"));
    }

    @Test
    void aFolderIsNotAnObject() throws IOException {
        store.put("dir/file", new byte[1]);
        assertThrows(NoSuchObjectException.class, () -> store.open("dir"));
    }

    @Test
    void listingFollowsCodePointOrder() throws IOException {
        // UTF-16 order would put U+1F600 (a surrogate pair) before U+FF5E; S3's byte order does not.
        store.put("u/\uFF5E", new byte[1]);
        store.put("u/\uD83D\uDE00", new byte[1]);
        store.put("u/z", new byte[1]);
        assertEquals(List.of("u/z", "u/\uFF5E", "u/\uD83D\uDE00"), keys(store.list("u/")));
    }

    @Test
    void theFactoryOpensAFilesystemStore() throws IOException {
        Map<String, String> props = Map.of(StorageConfig.BACKEND, "filesystem",
                StorageConfig.FILESYSTEM_ROOT, root.toString());
        try (ObjectStore opened = ObjectStores.open(
                new StorageConfig(new AbstractConfig(StorageConfig.define(new ConfigDef()), props)))) {
            assertInstanceOf(FilesystemObjectStore.class, opened);
            opened.put("k", new byte[2]);
            assertEquals(List.of(new StoredObject("k", 2)), store.list(""));
        }
    }

    @Test
    void describeNamesTheRoot() {
        assertEquals("filesystem:" + root.toAbsolutePath().normalize(), store.describe());
    }

    @Test
    void accessCheckAcceptsARootNotYetCreatedAndRejectsAFile(@TempDir Path dir) throws IOException {
        new FilesystemObjectStore(dir.resolve("not-yet")).checkAccess("set/", ObjectStore.Access.WRITE);
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        StoreAccessException e = assertThrows(StoreAccessException.class,
                () -> new FilesystemObjectStore(file).checkAccess("set/", ObjectStore.Access.WRITE));
        assertEquals(StorageConfig.FILESYSTEM_ROOT, e.configKey());
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }

    @Test
    void putMovingOnTheSameFileSystemMovesTheFileAndGivesItTheStoresPermissions() throws IOException {
        store.put("perm/copied", new byte[] {1});
        Path file = Files.createTempFile(tempDir, "segment-", ".avro"); // owner-only, as a spool file is
        Files.write(file, new byte[] {1, 2, 3});
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        assumeTrue(inode != null, "the file system names no inodes");
        assumeTrue(Files.getFileAttributeView(file, PosixFileAttributeView.class) != null, "not POSIX");
        assumeTrue(!Files.getPosixFilePermissions(file).equals(Files.getPosixFilePermissions(root.resolve("perm/copied"))),
                "this umask gives a new file owner-only permissions anyway");

        store.putMoving("perm/moved", file);

        Path moved = root.resolve("perm/moved");
        assertEquals(inode, Files.readAttributes(moved, BasicFileAttributes.class).fileKey(), "moved, not copied");
        assertEquals(Files.getPosixFilePermissions(root.resolve("perm/copied")), Files.getPosixFilePermissions(moved),
                "a moved object is as readable as a copied one");
        try (Stream<Path> left = Files.list(root.resolve("perm"))) {
            assertEquals(List.of("copied", "moved"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }
}
