package io.lifeboat.core.storage;

import io.lifeboat.core.LocalFailure;
import io.lifeboat.core.config.StorageConfig;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An {@link ObjectStore} in a folder: the object {@code a/b/c} is the file {@code root/a/b/c}.
 *
 * <p>Guarantees, on a local POSIX file system:
 * <ul>
 *   <li>atomic publication: content is written to a hidden temporary file ({@code .<name>.<uuid>.tmp})
 *       in the target's folder, fsynced, then renamed over the target with {@code ATOMIC_MOVE};
 *       {@link #putMoving} fsyncs the given file and renames it to that temporary file instead of
 *       copying it, when both are on the same file system (it copies otherwise);</li>
 *   <li>durability: the folder is fsynced after the rename (and new folders after their creation),
 *       where the platform allows fsync on folders;</li>
 *   <li>listings are sorted by key in code-point (that is, UTF-8 byte) order and never show files whose
 *       name starts with '.', so temporary files left by a crash are invisible.</li>
 * </ul>
 * Keys must be relative, use '/' as separator, have no empty, '.' or '..' segments and no backslashes,
 * and their last segment may not start with '.' (reserved for temporary files). A key cannot name
 * both an object and a folder of other objects, unlike on S3.
 */
public final class FilesystemObjectStore implements ObjectStore {

    /** Orders keys like S3 does: by Unicode code point, which equals UTF-8 byte order. */
    public static final Comparator<String> KEY_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final Path root;

    public FilesystemObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void put(String key, Path file) throws IOException {
        try {
            putFile(key, file);
        } catch (IOException e) {
            throw permanentOrAsIs(e);
        }
    }

    private void putFile(String key, Path file) throws IOException {
        Path target = resolveKey(key);
        Path tmp = createTempSibling(target);
        try {
            copy(file, tmp);
            publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies {@code file}'s content into the existing {@code tmp} and fsyncs it. */
    private static void copy(Path file, Path tmp) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            long position = 0;
            while (position < size) {
                position += out.transferFrom(in, position, size - position);
            }
            out.force(true);
        }
    }

    /**
     * Moves {@code file} into the store instead of copying it when it is on the same file system: it is
     * fsynced where it is, given the permissions (and group) a new file in the target's folder gets, so
     * that a moved object is no less readable than a copied one, renamed to the hidden temporary file,
     * then published as {@link #put(String, Path)} publishes. Where a rename cannot do it (another file
     * system, a group the worker's user may not give), the content is copied and the file deleted.
     */
    @Override
    public void putMoving(String key, Path file) throws IOException {
        try {
            Path target = resolveKey(key);
            Path tmp = createTempSibling(target);
            try {
                if (!movedOver(file, tmp)) {
                    copy(file, tmp);
                    Files.delete(file);
                }
                publish(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw permanentOrAsIs(e);
        }
    }

    /**
     * Gives {@code file} the attributes of {@code tmp} (a new, empty file in the store), makes it durable
     * and renames it over {@code tmp}; false, with {@code file}'s content untouched, when the rename
     * cannot be done atomically or the attributes cannot be given.
     */
    private static boolean movedOver(Path file, Path tmp) throws IOException {
        PosixFileAttributeView targetView = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (targetView != null) {
            PosixFileAttributes wanted = targetView.readAttributes();
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view == null) {
                return false;
            }
            try {
                if (!view.readAttributes().group().equals(wanted.group())) {
                    view.setGroup(wanted.group());
                }
            } catch (IOException e) {
                return false; // the object would have another group than a copy: copy it
            }
            view.setPermissions(wanted.permissions());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(file, tmp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            return false; // another file system
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        try {
            putBytes(key, content);
        } catch (IOException e) {
            throw permanentOrAsIs(e);
        }
    }

    private void putBytes(String key, byte[] content) throws IOException {
        Path target = resolveKey(key);
        Path tmp = createTempSibling(target);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        Path path = resolveKey(key);
        if (Files.isDirectory(path)) {
            throw new NoSuchObjectException(key, describe());
        }
        try {
            return new BufferedInputStream(Files.newInputStream(path), 64 * 1024);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(key, describe());
        }
    }

    /** Removes the file; folders stay (a concurrent put may be about to use them). */
    @Override
    public void delete(String key) throws IOException {
        Path path = resolveKey(key);
        if (!Files.isDirectory(path)) {
            Files.deleteIfExists(path);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return list(prefix, "");
    }

    /** Still walks the whole prefix folder, but keeps (and sorts) only the keys after {@code startAfter}. */
    @Override
    public List<StoredObject> list(String prefix, String startAfter) throws IOException {
        List<StoredObject> result = new ArrayList<>();
        forEachObject(prefix, startAfter, result::add);
        result.sort(Comparator.comparing(StoredObject::key, KEY_ORDER));
        return result;
    }

    /** In the order the folders are walked; nothing is held but the walk's own state. */
    @Override
    public void forEachObject(String prefix, String startAfter, Consumer<StoredObject> each) throws IOException {
        Path start = root.resolve(validPrefixFolder(prefix));
        if (!Files.isDirectory(start)) {
            return;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                    String key = toKey(file);
                    if (key.startsWith(prefix) && KEY_ORDER.compare(key, startAfter) > 0) {
                        each.accept(new StoredObject(key, attrs.size()));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we walked, e.g. a temporary file
                }
                throw e;
            }
        });
    }

    /**
     * Files and sub-folders whose name starts with what follows the prefix's last '/'; a folder counts
     * once it holds an object, as S3 has no empty folders.
     */
    @Override
    public FolderListing listFolder(String prefix) throws IOException {
        String folder = validPrefixFolder(prefix);
        String namePrefix = prefix.substring(folder.length());
        Path start = root.resolve(folder);
        List<StoredObject> objects = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return new FolderListing(objects, folders);
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(start)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!name.startsWith(namePrefix) || name.startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attrs = Files.readAttributes(child, BasicFileAttributes.class);
                if (attrs.isRegularFile()) {
                    objects.add(new StoredObject(folder + name, attrs.size()));
                } else if (attrs.isDirectory() && holdsAnObject(child)) {
                    folders.add(folder + name + "/");
                }
            }
        } catch (NoSuchFileException e) {
            return new FolderListing(List.of(), List.of()); // removed while we listed it
        }
        objects.sort(Comparator.comparing(StoredObject::key, KEY_ORDER));
        folders.sort(KEY_ORDER);
        return new FolderListing(objects, folders);
    }

    /** S3 has no empty folders: a folder counts once it holds an object somewhere below it. */
    private static boolean holdsAnObject(Path dir) throws IOException {
        try (var files = Files.find(dir, Integer.MAX_VALUE, (path, attrs) -> attrs.isRegularFile()
                && !path.getFileName().toString().startsWith("."))) {
            return files.findAny().isPresent();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return false;
            }
            throw e.getCause();
        }
    }

    /**
     * A root that does not exist yet is fine (the first write creates it; a restore then finds no
     * backup set); one that is not a folder, or that the worker may not read (or, for a backup,
     * write), is not.
     */
    @Override
    public void checkAccess(String prefix, Access access) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        if (!Files.isDirectory(root)) {
            throw new StoreAccessException(StorageConfig.FILESYSTEM_ROOT, StorageConfig.FILESYSTEM_ROOT + " " + root
                    + " is not a folder", null);
        }
        if (!Files.isReadable(root) || !Files.isExecutable(root)) {
            throw new StoreAccessException(StorageConfig.FILESYSTEM_ROOT, StorageConfig.FILESYSTEM_ROOT + " " + root
                    + " cannot be read by the worker's user", null);
        }
        if (access == Access.WRITE && !Files.isWritable(root)) {
            throw new StoreAccessException(StorageConfig.FILESYSTEM_ROOT, StorageConfig.FILESYSTEM_ROOT + " " + root
                    + " cannot be written by the worker's user", null);
        }
    }

    @Override
    public String describe() {
        return "filesystem:" + root;
    }

    @Override
    public void close() {
    }

    /**
     * A write the file system refuses for good (permission denied, a read-only mount) names
     * filesystem.root, so that the backup fails instead of retrying forever; anything else (a full
     * disk, an I/O error) may pass and is returned as it is.
     */
    static IOException permanentOrAsIs(IOException e) {
        if (LocalFailure.of(e, null) == LocalFailure.NOT_PERMITTED) {
            return new StoreAccessException(StorageConfig.FILESYSTEM_ROOT, "the worker's user may not write under "
                    + StorageConfig.FILESYSTEM_ROOT + ": " + e, e);
        }
        return e;
    }

    private Path createTempSibling(Path target) throws IOException {
        Path parent = target.getParent();
        createDirectoriesDurably(parent);
        Path tmp = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        return Files.createFile(tmp);
    }

    private static void publish(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
    }

    /** Creates missing folders and fsyncs the parent of each, so that the new entries survive a crash. */
    private static void createDirectoriesDurably(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        if (missing.isEmpty()) {
            return;
        }
        Files.createDirectories(dir);
        for (Path created : missing) {
            fsyncDirectory(created.getParent());
        }
    }

    private static void fsyncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
        }
    }

    private Path resolveKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
            throw invalidKey(key, "keys must be non-empty, relative and use '/' as separator");
        }
        String[] segments = key.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw invalidKey(key, "keys may not have empty, '.' or '..' segments");
            }
        }
        if (segments[segments.length - 1].startsWith(".")) {
            throw invalidKey(key, "an object's name may not start with '.' (reserved for temporary files)");
        }
        return resolveInsideRoot(key);
    }

    /** The folder part of a prefix (up to its last '/'), checked like a key. */
    private String validPrefixFolder(String prefix) {
        if (prefix == null || prefix.startsWith("/") || prefix.contains("\\")) {
            throw invalidKey(prefix, "prefixes must be relative and use '/' as separator");
        }
        String folder = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        for (String segment : folder.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw invalidKey(prefix, "prefixes may not have '.' or '..' segments");
            }
        }
        resolveInsideRoot(folder);
        return folder;
    }

    private Path resolveInsideRoot(String relative) {
        try {
            Path path = root.resolve(relative).normalize();
            if (!path.startsWith(root) || Path.of(relative).isAbsolute()) {
                throw invalidKey(relative, "it points outside the store's root");
            }
            return path;
        } catch (InvalidPathException e) {
            throw invalidKey(relative, e.getMessage());
        }
    }

    private String toKey(Path file) {
        Path relative = root.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    private static IllegalArgumentException invalidKey(String key, String why) {
        return new IllegalArgumentException("invalid object key '" + key + "': " + why);
    }
}
