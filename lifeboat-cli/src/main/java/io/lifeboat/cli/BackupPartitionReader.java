package io.lifeboat.cli;

import io.lifeboat.core.layout.BackupCatalog.SegmentEntry;
import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.segment.BackupRecord;
import io.lifeboat.core.segment.SegmentFetcher;

import java.io.IOException;
import java.util.Iterator;

/**
 * The records a backup set holds for one partition, in offset order, as a restore reads them: the
 * segments of the partition's chain before its first break ({@link PartitionChain}), one segment
 * downloaded and checked at a time, records a replayed segment repeats skipped. A corrupt or missing
 * segment throws, naming its object.
 */
final class BackupPartitionReader implements AutoCloseable {

    private final SegmentFetcher fetcher;
    private final Iterator<SegmentEntry> segments;
    private SegmentFetcher.FetchedSegment current;
    private long next;

    BackupPartitionReader(SegmentFetcher fetcher, PartitionChain chain) {
        this.fetcher = fetcher;
        this.segments = chain.segmentsBeforeFirstBreak().iterator();
    }

    /** The next record, or null after the last. */
    BackupRecord next() throws IOException {
        while (true) {
            if (current == null) {
                if (!segments.hasNext()) {
                    return null;
                }
                current = fetcher.fetch(segments.next().descriptor());
            }
            BackupRecord record = current.reader().next();
            if (record == null) {
                current.close();
                current = null;
            } else if (record.offset() >= next) {
                next = record.offset() + 1;
                return record;
            }
        }
    }

    /** The object key of the segment being read, for messages; null between segments. */
    String currentKey() {
        return current == null ? null : current.key();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
