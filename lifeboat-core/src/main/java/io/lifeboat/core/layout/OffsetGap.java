package io.lifeboat.core.layout;

import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A recorded hole in a partition's backup: offsets {@code firstMissing..lastMissing} were never
 * delivered to the backup, although the stored chain of segments ends just before them and the
 * backup went on after them (the backup lagged past the source topic's retention, its consumer group
 * was reset, or the offsets held records compacted away, aborted, or transaction markers, which the
 * backup cannot tell apart). The backup writes one small object per hole under {@code {prefix}gaps/}
 * before the segment that follows it, so a hole is never silent: verify, list and the restore report
 * it. The object key carries everything a reader needs; the content is for people.
 *
 * @param partition    the backed-up partition
 * @param firstMissing first offset not delivered (the last stored offset + 1)
 * @param lastMissing  last offset not delivered (the first delivered offset after the hole - 1)
 */
public record OffsetGap(TopicPartition partition, long firstMissing, long lastMissing) {

    public OffsetGap {
        if (firstMissing < 0 || lastMissing < firstMissing) {
            throw new IllegalArgumentException("invalid gap " + partition + " offsets " + firstMissing + ".."
                    + lastMissing);
        }
    }

    /** Number of offsets in the hole. */
    public long size() {
        return lastMissing - firstMissing + 1;
    }

    /** "orders-3 offsets 100..199", for messages. */
    public String describe() {
        return partition + " offsets " + firstMissing + ".." + lastMissing;
    }

    /**
     * The object's content: one line of JSON for people and tools.
     *
     * @param nextTimestamp timestamp of the first record delivered after the hole, or -1
     * @param seenAtMillis  when the backup noticed the hole
     */
    public byte[] content(long nextTimestamp, long seenAtMillis) {
        String json = "{\"version\":1,\"topic\":\"" + partition.topic() + "\",\"partition\":" + partition.partition()
                + ",\"first_missing_offset\":" + firstMissing + ",\"last_missing_offset\":" + lastMissing
                + ",\"next_delivered_offset\":" + (lastMissing + 1)
                + ",\"next_delivered_timestamp\":" + nextTimestamp
                + ",\"seen_at\":\"" + Instant.ofEpochMilli(seenAtMillis) + "\"}\n";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
