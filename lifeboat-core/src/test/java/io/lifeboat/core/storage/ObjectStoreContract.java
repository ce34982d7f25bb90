package io.lifeboat.core.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link ObjectStore} shares. A subclass provides a store whose namespace is empty
 * at the start of each test (a fresh folder, or a unique key prefix); keys below are relative to
 * {@link #base()}.
 */
public abstract class ObjectStoreContract {

    /**
     * The store under test: the same instance for every call within a test, with no objects under
     * {@link #base()} when the test starts. The subclass opens it before each test and closes it after.
     */
    protected abstract ObjectStore store();

    /** The prefix of every key a test writes: empty, or a unique folder ending with '/'. */
    protected String base() {
        return "";
    }

    @TempDir
    protected Path tempDir;

    @Test
    void emptyObjectRoundTrips() throws IOException {
        assertRoundTrip(new byte[0]);
    }

    @Test
    void oneByteRoundTrips() throws IOException {
        assertRoundTrip(new byte[] {42});
    }

    @Test
    void threeMegabytesRoundTrip() throws IOException {
        assertRoundTrip(randomBytes(3 * 1024 * 1024 + 17, 1));
    }

    @Test
    void putFromFileRoundTrips() throws IOException {
        byte[] content = randomBytes(100_000, 2);
        Path file = Files.write(tempDir.resolve("in.bin"), content);
        store().put(base() + "from/file.bin", file);
        assertArrayEquals(content, read(base() + "from/file.bin"));
        assertTrue(Files.exists(file), "the source file is left in place");
    }

    @Test
    void putMovingPublishesTheFileAndTakesItOver() throws IOException {
        byte[] content = randomBytes(100_000, 8);
        Path file = Files.write(tempDir.resolve("moving.bin"), content);
        store().putMoving(base() + "moved/file.bin", file);
        assertArrayEquals(content, read(base() + "moved/file.bin"));
        assertFalse(Files.exists(file), "the source file is taken over");
        assertEquals(List.of(new StoredObject(base() + "moved/file.bin", content.length)), store().list(base() + "moved/"));
    }

    @Test
    void putMovingReplacesContent() throws IOException {
        String key = base() + "moved/over";
        store().put(key, randomBytes(5000, 9));
        byte[] second = randomBytes(10, 10);
        store().putMoving(key, Files.write(tempDir.resolve("second.bin"), second));
        assertArrayEquals(second, read(key));
        assertEquals(List.of(new StoredObject(key, 10)), store().list(base() + "moved/"));
    }

    @Test
    void overwriteReplacesContent() throws IOException {
        String key = base() + "over/written";
        store().put(key, randomBytes(5000, 3));
        byte[] second = randomBytes(10, 4);
        store().put(key, second);
        assertArrayEquals(second, read(key));
        assertEquals(List.of(new StoredObject(key, 10)), store().list(base() + "over/"));
    }

    @Test
    void listingStartsAfterTheGivenKey() throws IOException {
        String folder = base() + "after/";
        for (String name : List.of("00000000000000000100-x", "00000000000000000200-x", "00000000000000000300-x",
                "00000000000000000300-y")) {
            store().put(folder + name, new byte[] {1});
        }
        store().put(base() + "aftermath", new byte[] {1});
        assertEquals(List.of(folder + "00000000000000000300-x", folder + "00000000000000000300-y"),
                keys(store().list(folder, folder + "00000000000000000200-x")), "after a stored key");
        assertEquals(List.of(folder + "00000000000000000200-x", folder + "00000000000000000300-x",
                folder + "00000000000000000300-y"), keys(store().list(folder, folder + "00000000000000000150")),
                "after a key that is not stored");
        assertEquals(4, store().list(folder, "").size(), "empty: from the start");
        assertEquals(4, store().list(folder, base() + "a").size(), "before the prefix: from the start");
        assertEquals(List.of(), store().list(folder, folder + "9"), "after the last");
        assertEquals(store().list(folder), store().list(folder, ""));
    }

    @Test
    void forEachObjectHandsOutEachObjectOfTheListingOnce() throws IOException {
        String folder = base() + "each/";
        for (String name : List.of("2", "10", "1", "3/x")) {
            store().put(folder + name, new byte[name.length()]);
        }
        store().put(base() + "eachother", new byte[1]);
        List<StoredObject> handed = new ArrayList<>();
        store().forEachObject(folder, "", handed::add);
        handed.sort(Comparator.comparing(StoredObject::key, FilesystemObjectStore.KEY_ORDER));
        assertEquals(store().list(folder), handed, "each object once, in some order");
        assertEquals(4, handed.size());
        handed.clear();
        store().forEachObject(folder, folder + "10", handed::add);
        assertEquals(List.of(folder + "2", folder + "3/x"), keys(handed).stream().sorted().toList());
    }

    @Test
    void openingAMissingKeyThrowsNoSuchObject() {
        String key = base() + "no/such/object";
        NoSuchObjectException e = assertThrows(NoSuchObjectException.class, () -> store().open(key).close());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void deleteRemovesOnlyThatObjectAndAMissingKeyIsNoError() throws IOException {
        store().put(base() + "del/a", new byte[1]);
        store().put(base() + "del/b", new byte[2]);

        store().delete(base() + "del/a");
        store().delete(base() + "del/a");
        store().delete(base() + "del/never-there");

        assertEquals(List.of(new StoredObject(base() + "del/b", 2)), store().list(base() + "del/"));
        assertThrows(NoSuchObjectException.class, () -> store().open(base() + "del/a").close());
    }

    @Test
    void listReturnsExactlyTheKeysUnderThePrefixInOrderWithSizes() throws IOException {
        ObjectStore store = store();
        store.put(base() + "a/b/2", new byte[2]);
        store.put(base() + "a/b/10", new byte[10]);
        store.put(base() + "a/b/1", new byte[1]);
        store.put(base() + "a/bc/3", new byte[3]);
        store.put(base() + "a/c", new byte[4]);

        assertEquals(List.of(new StoredObject(base() + "a/b/1", 1), new StoredObject(base() + "a/b/10", 10),
                new StoredObject(base() + "a/b/2", 2)), store.list(base() + "a/b/"));
        assertEquals(List.of(base() + "a/b/1", base() + "a/b/10", base() + "a/b/2", base() + "a/bc/3"),
                keys(store.list(base() + "a/b")));
        assertEquals(List.of(base() + "a/bc/3"), keys(store.list(base() + "a/bc")));
        assertEquals(5, store.list(base()).size());
        assertEquals(List.of(base() + "a/c"), keys(store.list(base() + "a/c")));
    }

    @Test
    void listFolderGivesOneLevelObjectsAndFoldersOnceInOrder() throws IOException {
        ObjectStore store = store();
        store.put(base() + "t/orders/000001/a", new byte[1]);
        store.put(base() + "t/orders/000000/b", new byte[1]);
        store.put(base() + "t/order/000000/c", new byte[1]);
        store.put(base() + "t/payments/x/y/z", new byte[1]);
        store.put(base() + "t/README", new byte[3]);
        store.put(base() + "u/other/1", new byte[1]);

        FolderListing top = store.listFolder(base() + "t/");
        assertEquals(List.of(base() + "t/order/", base() + "t/orders/", base() + "t/payments/"), top.folders());
        assertEquals(List.of(new StoredObject(base() + "t/README", 3)), top.objects());
        assertEquals(List.of(base() + "t/orders/000000/", base() + "t/orders/000001/"),
                store.listFolder(base() + "t/orders/").folders());
        assertEquals(List.of(base() + "t/order/", base() + "t/orders/"), store.listFolder(base() + "t/or").folders(),
                "a prefix that ends inside a name matches the names that start with it");
        FolderListing leaf = store.listFolder(base() + "t/orders/000000/");
        assertEquals(List.of(), leaf.folders());
        assertEquals(List.of(new StoredObject(base() + "t/orders/000000/b", 1)), leaf.objects());
        assertEquals(new FolderListing(List.of(), List.of()), store.listFolder(base() + "nothing/"));
    }

    @Test
    void listOfAnUnknownPrefixIsEmpty() throws IOException {
        store().put(base() + "x/y", new byte[1]);
        assertEquals(List.of(), store().list(base() + "nothing/here/"));
        assertEquals(List.of(), store().list(base() + "x/yz"));
        assertEquals(List.of(), store().list(base() + "nothing"));
    }

    @Test
    void accessCheckPassesOnAUsableStore() throws IOException {
        store().checkAccess(base(), ObjectStore.Access.WRITE);
        store().put(base() + "x", new byte[1]);
        store().checkAccess(base(), ObjectStore.Access.WRITE);
    }

    @Test
    void keysWithManyLevels() throws IOException {
        String key = base() + "l1/l2/l3/l4/l5/l6/l7/l8/topic.name-1_x/000007/00000000000000000042.avro";
        byte[] content = randomBytes(1234, 5);
        store().put(key, content);
        assertArrayEquals(content, read(key));
        assertEquals(List.of(new StoredObject(key, content.length)), store().list(base() + "l1/l2/l3/"));
    }

    @Test
    void bigObjectFromFileRoundTrips() throws IOException {
        long size = 40L * 1024 * 1024 + 12_345;
        Path file = tempDir.resolve("big.bin");
        byte[] expected = writeRandomFile(file, size, 6);
        String key = base() + "big/object.bin";

        store().put(key, file);

        assertEquals(List.of(new StoredObject(key, size)), store().list(base() + "big/"));
        assertArrayEquals(expected, sha256(key));
    }

    @Test
    void closingAStreamBeforeTheEndIsFine() throws IOException {
        String key = base() + "partial/read";
        byte[] content = randomBytes(2 * 1024 * 1024, 7);
        store().put(key, content);
        try (InputStream in = store().open(key)) {
            assertEquals(content[0] & 0xff, in.read());
        }
        assertArrayEquals(content, read(key));
    }

    protected void assertRoundTrip(byte[] content) throws IOException {
        String key = base() + "bytes/" + content.length;
        store().put(key, content);
        assertArrayEquals(content, read(key));
        assertEquals(List.of(new StoredObject(key, content.length)), store().list(key));
    }

    protected byte[] read(String key) throws IOException {
        try (InputStream in = store().open(key)) {
            return in.readAllBytes();
        }
    }

    /** The SHA-256 of an object, read as a stream. */
    protected byte[] sha256(String key) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = new DigestInputStream(store().open(key), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    protected static List<String> keys(List<StoredObject> objects) {
        return objects.stream().map(StoredObject::key).toList();
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code size} random bytes to {@code file} chunk by chunk and returns their SHA-256. */
    protected static byte[] writeRandomFile(Path file, long size, long seed) throws IOException {
        MessageDigest digest = newSha256();
        Random random = new Random(seed);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, size - written);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        return digest.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
