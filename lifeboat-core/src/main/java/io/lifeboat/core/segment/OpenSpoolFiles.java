package io.lifeboat.core.segment;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spool files of one task that are open for writing: at most {@link #maxOpen()} at once,
 * however many partitions have an open segment. When another must open, the least recently
 * written one is flushed and closed; it is opened again, in append mode, when its partition
 * writes next. A spool file that was removed in between is not created again: reopening it fails
 * with {@link java.nio.file.NoSuchFileException}, so no record silently goes missing.
 *
 * <p>Each open file holds one descriptor and a write buffer of {@link #WRITE_BUFFER} bytes.
 */
public final class OpenSpoolFiles {

    /** Spool files a backup task keeps open at most. */
    public static final int DEFAULT_MAX_OPEN = 256;
    static final int WRITE_BUFFER = 8192;

    private final int maxOpen;
    /** In access order: the first entry is the least recently written. */
    private final LinkedHashMap<SegmentSpool, DataOutputStream> open = new LinkedHashMap<>(16, 0.75f, true);

    public OpenSpoolFiles(int maxOpen) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("at least one spool file must be open, not " + maxOpen);
        }
        this.maxOpen = maxOpen;
    }

    public int maxOpen() {
        return maxOpen;
    }

    /** How many spool files are open now. */
    public synchronized int openCount() {
        return open.size();
    }

    /** The stream to append {@code spool}'s records to, opening its file (and closing another) if needed. */
    synchronized DataOutputStream writer(SegmentSpool spool) throws IOException {
        DataOutputStream out = open.get(spool);
        if (out != null) {
            return out;
        }
        while (open.size() >= maxOpen) {
            Iterator<Map.Entry<SegmentSpool, DataOutputStream>> eldest = open.entrySet().iterator();
            Map.Entry<SegmentSpool, DataOutputStream> entry = eldest.next();
            eldest.remove();
            closeFlushing(entry.getKey(), entry.getValue());
        }
        out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(spool.file(), StandardOpenOption.WRITE, StandardOpenOption.APPEND), WRITE_BUFFER));
        open.put(spool, out);
        return out;
    }

    /** Flushes and closes {@code spool}'s file if it is open. */
    synchronized void release(SegmentSpool spool) throws IOException {
        DataOutputStream out = open.remove(spool);
        if (out != null) {
            closeFlushing(spool, out);
        }
    }

    private static void closeFlushing(SegmentSpool spool, DataOutputStream out) throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            throw new IOException("Cannot write the spool file " + spool.file() + " of " + spool.partition() + ": "
                    + e.getMessage(), e);
        }
    }
}
