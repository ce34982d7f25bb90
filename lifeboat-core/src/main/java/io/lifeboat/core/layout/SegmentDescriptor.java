package io.lifeboat.core.layout;

import org.apache.kafka.common.TopicPartition;

/**
 * What a segment's object key says about it, so that a restore can plan without opening objects.
 *
 * @param topic             original topic
 * @param partition         original partition
 * @param firstOffset       offset of the first record in the segment
 * @param lastOffset        offset of the last record in the segment ({@code >= firstOffset})
 * @param previousLastOffset last offset of the segment that precedes this one in the backup of the
 *                          partition, or {@link #NONE} when this segment was the first one written; a
 *                          restore uses it to detect a missing segment
 * @param minTimestamp      smallest record timestamp in the segment, or {@link #NONE} when no record has one
 * @param maxTimestamp      largest record timestamp in the segment, or {@link #NONE}
 */
public record SegmentDescriptor(String topic, int partition, long firstOffset, long lastOffset,
                                long previousLastOffset, long minTimestamp, long maxTimestamp) {

    /** Marks an absent offset or timestamp. */
    public static final long NONE = -1L;

    public SegmentDescriptor {
        if (partition < 0 || firstOffset < 0 || lastOffset < firstOffset) {
            throw new IllegalArgumentException("invalid segment range " + topic + "-" + partition
                    + " offsets " + firstOffset + ".." + lastOffset);
        }
        if (previousLastOffset != NONE && previousLastOffset >= firstOffset) {
            throw new IllegalArgumentException("previous segment end " + previousLastOffset
                    + " is not before first offset " + firstOffset);
        }
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public boolean hasPrevious() {
        return previousLastOffset != NONE;
    }

    /** True when {@code offset} lies within this segment's range. */
    public boolean covers(long offset) {
        return offset >= firstOffset && offset <= lastOffset;
    }

    /** "orders-3 offsets 100..199", for messages. */
    public String describeRange() {
        return topic + "-" + partition + " offsets " + firstOffset + ".." + lastOffset;
    }
}
