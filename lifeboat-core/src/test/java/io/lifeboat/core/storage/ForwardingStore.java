package io.lifeboat.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store for tests that passes every call to a real one, counts {@link #open} calls, records its
 * listings ({@link #takeListings}), and adds to them objects that a filesystem cannot hold but S3 can:
 * zero-byte "folder" placeholders whose keys end with '/', as a console's "create folder" makes.
 */
public final class ForwardingStore implements ObjectStore {

    private final ObjectStore store;
    private final List<StoredObject> extra = new ArrayList<>();
    private final AtomicInteger opens = new AtomicInteger();
    private final List<Listing> listings = new ArrayList<>();
    private volatile String refusedOpens;
    private volatile int breakStreamsAfter = -1;

    public ForwardingStore(ObjectStore store) {
        this.store = store;
    }

    /** Lists a zero-byte object with this key (ending with '/') from now on. */
    public ForwardingStore withPlaceholder(String key) {
        extra.add(new StoredObject(key, 0));
        return this;
    }

    /** From now on, opening an object whose key starts with {@code prefix} fails as a refusing store would. */
    public ForwardingStore refusingOpensUnder(String prefix) {
        refusedOpens = prefix;
        return this;
    }

    /** From now on, every object's stream fails after {@code bytes} bytes, as a connection reset does. */
    public ForwardingStore breakingStreamsAfter(int bytes) {
        breakStreamsAfter = bytes;
        return this;
    }

    /** One {@link #list} call: its prefix, its start-after key ("" for none) and how many keys it returned. */
    public record Listing(String prefix, String startAfter, int keys) {
    }

    /** Every listing since the last call, in call order; forgets them. */
    public List<Listing> takeListings() {
        synchronized (listings) {
            List<Listing> taken = List.copyOf(listings);
            listings.clear();
            return taken;
        }
    }

    /** How many objects were opened for reading. */
    public int opens() {
        return opens.get();
    }

    @Override
    public void put(String key, Path file) throws IOException {
        store.put(key, file);
    }

    @Override
    public void putMoving(String key, Path file) throws IOException {
        store.putMoving(key, file);
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        store.put(key, content);
    }

    @Override
    public InputStream open(String key) throws IOException {
        opens.incrementAndGet();
        String refused = refusedOpens;
        if (refused != null && key.startsWith(refused)) {
            throw new IOException("could not get " + describe() + "/" + key + " (GetObject): access denied (403)");
        }
        int breakAfter = breakStreamsAfter;
        return breakAfter < 0 ? store.open(key) : new BreakingStream(store.open(key), breakAfter);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return list(prefix, "");
    }

    @Override
    public List<StoredObject> list(String prefix, String startAfter) throws IOException {
        List<StoredObject> all = new ArrayList<>(startAfter.isEmpty() ? store.list(prefix) : store.list(prefix, startAfter));
        extra.stream().filter(o -> o.key().startsWith(prefix))
                .filter(o -> FilesystemObjectStore.KEY_ORDER.compare(o.key(), startAfter) > 0).forEach(all::add);
        all.sort(Comparator.comparing(StoredObject::key, FilesystemObjectStore.KEY_ORDER));
        synchronized (listings) {
            listings.add(new Listing(prefix, startAfter, all.size()));
        }
        return all;
    }

    @Override
    public FolderListing listFolder(String prefix) throws IOException {
        FolderListing real = store.listFolder(prefix);
        List<StoredObject> objects = new ArrayList<>(real.objects());
        List<String> folders = new ArrayList<>(real.folders());
        for (StoredObject o : extra) {
            if (!o.key().startsWith(prefix)) {
                continue;
            }
            int slash = o.key().indexOf('/', prefix.length());
            if (slash < 0) {
                objects.add(o);
            } else if (!folders.contains(o.key().substring(0, slash + 1))) {
                folders.add(o.key().substring(0, slash + 1));
            }
        }
        objects.sort(Comparator.comparing(StoredObject::key, FilesystemObjectStore.KEY_ORDER));
        folders.sort(FilesystemObjectStore.KEY_ORDER);
        return new FolderListing(objects, folders);
    }

    @Override
    public void delete(String key) throws IOException {
        store.delete(key);
    }

    @Override
    public void checkAccess(String prefix, Access access) throws IOException {
        store.checkAccess(prefix, access);
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }

    /** A stream that fails with "Connection reset" once it has served its bytes. */
    private static final class BreakingStream extends java.io.FilterInputStream {
        private int left;

        BreakingStream(InputStream in, int bytes) {
            super(in);
            this.left = bytes;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                throw new IOException("Connection reset");
            }
            int n = super.read(b, off, Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }
    }
}
