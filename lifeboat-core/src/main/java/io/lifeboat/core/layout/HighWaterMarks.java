package io.lifeboat.core.layout;

import io.lifeboat.core.storage.NoSuchObjectException;
import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last offset of each partition that a backup task knows to be in a stored segment: one small
 * text object per task under {@code {prefix}high-water/}, rewritten when it advances (at most once
 * per offset commit). A segment's key names its predecessor, so a restore notices any missing
 * segment but the newest; these marks let it notice the newest ones too. They may lag behind the
 * segments (they are written after them), never run ahead in the store the backup writes to (a copy
 * made object by object may hold a mark before its segments), so a restore that finds fewer records
 * than a mark promises has lost segments.
 *
 * <p>Content, UTF-8 text: a comment line starting with {@code #}, then one line per partition,
 * {@code topic<TAB>partition<TAB>last offset}.
 */
public final class HighWaterMarks {

    private static final String HEADER_START = "# Lifeboat high-water marks v1:";
    private static final String HEADER = HEADER_START + " topic, partition, last offset in a stored segment";
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** An object under the high-water folder whose content is not marks of this version. */
    public static final class UnreadableMarksException extends IOException {
        UnreadableMarksException(String message) {
            super(message);
        }
    }

    /** A partition's mark and the object it was read from. */
    public record Mark(long lastOffset, String objectKey) {
    }

    private HighWaterMarks() {
    }

    /** A map ordered by topic and partition, as {@link #encode} writes it. */
    public static Map<TopicPartition, Long> newMarks() {
        return new TreeMap<>(ORDER);
    }

    public static byte[] encode(Map<TopicPartition, Long> marks) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        Map<TopicPartition, Long> ordered = newMarks();
        ordered.putAll(marks);
        ordered.forEach((tp, offset) -> text.append(tp.topic()).append('\t').append(tp.partition()).append('\t')
                .append(offset).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses one object's content; an unreadable line is an error naming the object and the line. */
    public static Map<TopicPartition, Long> decode(byte[] content, String key) throws IOException {
        Map<TopicPartition, Long> marks = newMarks();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].startsWith(HEADER_START)) {
            throw new UnreadableMarksException("High-water object " + key + " does not start with '" + HEADER_START
                    + "': it was not written by this version of Lifeboat");
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            try {
                if (fields.length != 3) {
                    throw new NumberFormatException("expected 3 fields, found " + fields.length);
                }
                int partition = Integer.parseInt(fields[1]);
                long offset = Long.parseLong(fields[2]);
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException("negative partition or offset");
                }
                marks.merge(new TopicPartition(fields[0], partition), offset, Math::max);
            } catch (NumberFormatException e) {
                throw new UnreadableMarksException("High-water object " + key + " line " + (i + 1) + " is not 'topic<TAB>partition"
                        + "<TAB>offset' (" + e.getMessage() + "): " + line);
            }
        }
        return marks;
    }

    /** Reads one object; empty when it does not exist. */
    public static Map<TopicPartition, Long> read(ObjectStore store, String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return decode(in.readAllBytes(), key);
        } catch (NoSuchObjectException e) {
            return newMarks();
        }
    }

    /** The highest mark of each partition over every writer of the backup set. */
    public static Map<TopicPartition, Mark> readAll(ObjectStore store, BackupLayout layout) throws IOException {
        Map<TopicPartition, Mark> highest = new HashMap<>();
        for (StoredObject object : store.list(layout.highWaterPrefix())) {
            if (!layout.isHighWaterKey(object.key())) {
                continue; // not written by a backup task (a stray file): it promises nothing
            }
            Map<TopicPartition, Long> marks;
            try (InputStream in = store.open(object.key())) {
                marks = decode(in.readAllBytes(), object.key());
            }
            marks.forEach((tp, offset) -> highest.merge(tp, new Mark(offset, object.key()),
                    (a, b) -> a.lastOffset() >= b.lastOffset() ? a : b));
        }
        return highest;
    }
}
