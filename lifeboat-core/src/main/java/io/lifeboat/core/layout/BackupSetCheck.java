package io.lifeboat.core.layout;

import io.lifeboat.core.layout.BackupCatalog.PartitionEntry;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rules that decide what a backup set (or the part of it a catalog was loaded for) holds, in one
 * place for the restore, {@code verify} and {@code list}:
 * <ul>
 *   <li>every partition of the catalog, and every partition of a loaded topic that has a high-water
 *       mark, has a {@link PartitionChain}, whose breaks are problems;</li>
 *   <li>an unrecognized object (not a marker, segment or gap of the layout) is a problem: a restore
 *       refuses it, naming the object; verify reports it and fails;</li>
 *   <li>a zero-byte folder placeholder (key ending with '/') is ignored by both (verify notes it);</li>
 *   <li>a recorded gap is not a problem: it is reported, and the restore restores around it;</li>
 *   <li>a partition without its marker is not a problem: it is reported, and restored (its topic's
 *       partition count is the highest partition seen + 1).</li>
 * </ul>
 */
public final class BackupSetCheck {

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final BackupCatalog catalog;
    private final SortedMap<TopicPartition, PartitionChain> chains = new TreeMap<>(ORDER);

    private BackupSetCheck(BackupCatalog catalog) {
        this.catalog = catalog;
    }

    /** @param marks the backup's high-water marks; those of partitions the catalog does not cover are ignored */
    public static BackupSetCheck of(BackupCatalog catalog, Map<TopicPartition, HighWaterMarks.Mark> marks) {
        BackupSetCheck check = new BackupSetCheck(catalog);
        for (String topic : catalog.topics()) {
            for (PartitionEntry entry : catalog.partitions(topic).values()) {
                check.chains.put(entry.partition(), PartitionChain.of(entry.partition(), entry,
                        marks.get(entry.partition()), 0));
            }
        }
        marks.forEach((tp, mark) -> {
            if (catalog.covers(tp) && !check.chains.containsKey(tp)) {
                check.chains.put(tp, PartitionChain.of(tp, null, mark, 0));
            }
        });
        return check;
    }

    public BackupCatalog catalog() {
        return catalog;
    }

    /** Every partition's chain, by topic and partition. */
    public SortedMap<TopicPartition, PartitionChain> chains() {
        return chains;
    }

    /**
     * Partitions of the topic as far as the backup knows: one more than the highest partition number
     * of its markers, segments, gaps and high-water marks. Partitions above that with neither markers
     * nor segments cannot be known.
     */
    public int partitionCount(String topic) {
        int highest = -1;
        for (TopicPartition tp : chains.keySet()) {
            if (tp.topic().equals(topic)) {
                highest = Math.max(highest, tp.partition());
            }
        }
        return highest + 1;
    }

    /** Objects that are not part of the layout (placeholders excepted): each one is a problem. */
    public List<StoredObject> unrecognized() {
        return catalog.unrecognized();
    }

    /** Folder placeholders: ignored, worth a note. */
    public List<StoredObject> placeholders() {
        return catalog.placeholders();
    }

    /** Partitions of the topic that have segments or gaps but no partition marker, by number. */
    public List<Integer> unmarkedPartitions(String topic) {
        return catalog.partitions(topic).values().stream().filter(p -> !p.marked())
                .map(p -> p.partition().partition()).toList();
    }

    /** Every recorded gap, by topic, partition and offset. */
    public List<OffsetGap> gaps() {
        return chains.values().stream().flatMap(c -> c.gaps().stream()).toList();
    }

    /** Why an unrecognized object is a problem, and the fix. */
    public static String unrecognizedMessage(StoredObject object) {
        return object.key() + " (" + object.size() + " bytes) is not a Lifeboat partition marker, segment or gap: "
                + "a restore refuses a backup set that holds it; remove it, or move it out of the backup set's folders";
    }
}
