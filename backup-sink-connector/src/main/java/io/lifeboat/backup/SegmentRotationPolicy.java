package io.lifeboat.backup;

import io.lifeboat.core.segment.SegmentSpool;

/** When an open segment is closed: by record count, by size, or by the age of its first record. */
record SegmentRotationPolicy(long maxRecords, long maxBytes, long maxAgeMillis) {

    static SegmentRotationPolicy from(BackupSinkConfig config) {
        return new SegmentRotationPolicy(config.segmentMaxRecords(), config.segmentMaxBytes(),
                config.segmentMaxAge().toMillis());
    }

    boolean isFull(SegmentSpool spool) {
        return spool.recordCount() >= maxRecords || spool.bytes() >= maxBytes;
    }

    boolean isDue(SegmentSpool spool, long nowMillis) {
        return isFull(spool) || nowMillis - spool.openedAtMillis() >= maxAgeMillis;
    }
}
