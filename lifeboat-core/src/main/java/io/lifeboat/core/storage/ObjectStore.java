package io.lifeboat.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where backup objects live. Keys are '/'-separated paths relative to the store's root (a bucket,
 * or a folder). Every implementation guarantees:
 * <ul>
 *   <li>publication is atomic: a reader sees no object, or the complete object, never a part;</li>
 *   <li>once {@link #put} returns, the object is durable;</li>
 *   <li>{@link #list} returns keys in ascending (byte-wise) order.</li>
 * </ul>
 */
public interface ObjectStore extends AutoCloseable {

    /** Publishes the content of {@code file} under {@code key}, replacing any object already there. */
    void put(String key, Path file) throws IOException;

    /**
     * Publishes the content of {@code file} under {@code key} as {@link #put(String, Path)} does, with
     * the same guarantees, and takes the file over: once this returns, the file is gone from where it
     * was (a store on the same file system may have moved it into place rather than copied it). When it
     * throws, nothing was published and the file may still be there; the caller removes what is left.
     * The caller may not write the file while this runs. This default puts a copy, then deletes the file.
     */
    default void putMoving(String key, Path file) throws IOException {
        put(key, file);
        Files.deleteIfExists(file);
    }

    /** Publishes a small object held in memory. */
    void put(String key, byte[] content) throws IOException;

    /** Opens an object for reading; throws {@link NoSuchObjectException} when it does not exist. */
    InputStream open(String key) throws IOException;

    /** Removes the object under {@code key}; removing an object that does not exist is no error. */
    void delete(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, in ascending key order. */
    List<StoredObject> list(String prefix) throws IOException;

    /**
     * Like {@link #list(String)}, but only the keys that sort after {@code startAfter} (byte-wise, as
     * S3's ListObjectsV2 {@code start-after}); {@code startAfter} need not be a stored key. Segment keys
     * sort by offset, so a reader that needs a partition's segments from an offset on lists only those
     * (S3 then neither transfers nor bills the pages before). This default filters {@link #list(String)}.
     */
    default List<StoredObject> list(String prefix, String startAfter) throws IOException {
        return list(prefix).stream().filter(o -> FilesystemObjectStore.KEY_ORDER.compare(o.key(), startAfter) > 0)
                .toList();
    }

    /**
     * Hands every object of {@link #list(String, String)} to {@code each}, once, in no particular order,
     * without holding the listing: S3 hands out a page of up to 1,000 keys at a time (in key order), the
     * filesystem each file as it walks the folders, so a folder of a million segments never sits in
     * memory as keys. A caller that needs key order sorts what it keeps. This default hands out
     * {@link #list(String, String)}'s list.
     */
    default void forEachObject(String prefix, String startAfter, Consumer<StoredObject> each) throws IOException {
        list(prefix, startAfter).forEach(each);
    }

    /**
     * One level under {@code prefix}, as S3 lists with the delimiter '/': the objects whose key has no
     * '/' after {@code prefix}, and, for every key {@code prefix + name + "/" + rest}, the folder
     * {@code prefix + name + "/"}, once; both in ascending order. One cheap request however many
     * objects the folders hold.
     */
    FolderListing listFolder(String prefix) throws IOException;

    /** What a connector needs of the store: a backup writes, a restore only reads. */
    enum Access { READ, WRITE }

    /**
     * One cheap read under {@code prefix} that shows whether the store can be used as configured.
     * Throws {@link StoreAccessException} naming the config key at fault when the store's answer
     * shows a wrong setting, and another {@link IOException} when the answer may change by itself
     * (unreachable, busy, a server error). Every other method reports failures the same way.
     */
    void checkAccess(String prefix, Access access) throws IOException;

    /** A short description for log lines and messages, such as {@code s3://bucket} (never secrets). */
    String describe();

    @Override
    void close();
}
