package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.harness.Await;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connectors' metrics, read from JMX as an operator's monitoring would (the worker runs in this JVM):
 * Connect's plugin metrics of each task. The backup's: what it stored and, per partition, the durable
 * offset, the records waiting and the RPO now. The restore's: records acknowledged, partitions complete
 * and, per partition, the records restored, the last offset and the offsets still to restore.
 */
class ConnectorMetricsIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    @Test
    void theBackupReportsWhatItStoredAndItsRpoAndTheRestoreItsProgress() throws Exception {
        KAFKA.writeRecords("metered.orders", 3, 90, 100);
        Map<String, String> backup = ConnectorConfigs.backup("metered-backup", List.of("metered.orders"),
                ConnectorConfigs.filesystemStorage(storeRoot, "metered"));
        KAFKA.configure(backup);
        KAFKA.progress().awaitCommitted("metered-backup", Map.of(new TopicPartition("metered.orders", 0), 30L,
                new TopicPartition("metered.orders", 1), 30L, new TopicPartition("metered.orders", 2), 30L), TIMEOUT);
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Await.condition("the task's metrics to count every record", TIMEOUT,
                () -> Long.valueOf(90).equals(task(jmx).get("records-stored-total")), () -> describe(jmx));
        Map<String, Object> task = task(jmx);
        assertTrue(((Number) task.get("segments-stored-total")).longValue() >= 3, task.toString());
        assertTrue(((Number) task.get("bytes-stored-total")).longValue() > 90 * 100 / 10, task.toString());
        assertEquals(0L, ((Number) task.get("store-errors-total")).longValue(), task.toString());
        for (int p = 0; p < 3; p++) {
            Map<String, Object> partition = partition(jmx, "metered-backup", p);
            assertEquals(30L, ((Number) partition.get("durable-offset")).longValue(), partition.toString());
            assertEquals(0L, ((Number) partition.get("pending-records")).longValue(), partition.toString());
            assertEquals(0L, ((Number) partition.get("rpo-ms")).longValue(), partition.toString());
        }
        System.out.println("Backup metrics: " + task + " " + partition(jmx, "metered-backup", 0));
        KAFKA.progress().deleteConnector("metered-backup", TIMEOUT);
        Await.condition("the metrics to go with the task", TIMEOUT, () -> names(jmx, "metered-backup").isEmpty(),
                () -> describe(jmx));

        Map<String, String> restore = ConnectorConfigs.restore("metered-restore", KAFKA.bootstrapServers(),
                ConnectorConfigs.filesystemStorage(storeRoot, "metered"));
        restore.put("restore.topic.mapping", "metered.orders:metered.orders_restored");
        KAFKA.configure(restore);
        Map<TopicPartition, Long> records = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        for (int p = 0; p < 3; p++) {
            records.put(new TopicPartition("metered.orders", p), 30L);
        }
        KAFKA.restores().awaitComplete("metered-restore", records, Map.of("metered.orders", "metered.orders_restored"),
                TIMEOUT);
        Await.condition("the restore's metrics to count every partition complete", TIMEOUT,
                () -> Long.valueOf(3).equals(attributes(jmx, "metered-restore", null).get("partitions-complete")),
                () -> String.valueOf(safe(() -> attributes(jmx, "metered-restore", null))));
        Map<String, Object> restoreTask = attributes(jmx, "metered-restore", null);
        assertEquals(90L, ((Number) restoreTask.get("records-acknowledged-total")).longValue(), restoreTask.toString());
        assertEquals(3, ((Number) restoreTask.get("partitions-assigned")).intValue(), restoreTask.toString());
        for (int p = 0; p < 3; p++) {
            Map<String, Object> partition = partition(jmx, "metered-restore", p);
            assertEquals(30L, ((Number) partition.get("records-restored")).longValue(), partition.toString());
            assertEquals(29L, ((Number) partition.get("last-restored-offset")).longValue(), partition.toString());
            assertEquals(0L, ((Number) partition.get("remaining-offsets")).longValue(), partition.toString());
        }
        System.out.println("Restore metrics: " + restoreTask + " " + partition(jmx, "metered-restore", 0));
        KAFKA.progress().deleteConnector("metered-restore", TIMEOUT);

        // The backup again under its name: its task resumes at the committed offsets (30), and 5 new
        // records per partition wait in a segment that is not closed yet. Its metrics say 5 waiting from
        // the durable offset 30, and an RPO of their age at least: not the partition's whole offset
        // (35) and -1, as they did until the new task stored a segment of its own.
        long beforeNewRecords = System.currentTimeMillis();
        KAFKA.writeRecords("metered.orders", 3, 15, 100);
        backup.put("segment.max.age.ms", "3600000");
        KAFKA.configure(backup);
        Await.condition("the resumed task to see the 5 new records of every partition", TIMEOUT, () -> {
            for (int p = 0; p < 3; p++) {
                if (!Long.valueOf(5).equals(partition(jmx, "metered-backup", p).get("pending-records"))) {
                    return false;
                }
            }
            return true;
        }, () -> String.valueOf(safe(() -> partition(jmx, "metered-backup", 0))));
        for (int p = 0; p < 3; p++) {
            Map<String, Object> partition = partition(jmx, "metered-backup", p);
            assertEquals(30L, ((Number) partition.get("durable-offset")).longValue(), partition.toString());
            long rpo = ((Number) partition.get("rpo-ms")).longValue();
            assertTrue(rpo >= 0 && rpo <= System.currentTimeMillis() - beforeNewRecords + 1_000, partition.toString());
        }
        KAFKA.progress().deleteConnector("metered-backup", TIMEOUT);
    }

    private interface Read<T> {
        T get() throws Exception;
    }

    private static <T> Object safe(Read<T> read) {
        try {
            return read.get();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String describe(MBeanServer jmx) {
        try {
            return task(jmx).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static Set<ObjectName> names(MBeanServer jmx, String connector) throws Exception {
        Set<ObjectName> found = new java.util.TreeSet<>();
        for (ObjectName name : jmx.queryNames(null, null)) {
            if (connector.equals(name.getKeyProperty("connector")) && "plugins".equals(name.getKeyProperty("type"))) {
                found.add(name);
            }
        }
        return found;
    }

    /** The attributes of the task's MBean without partition tags. */
    private static Map<String, Object> task(MBeanServer jmx) throws Exception {
        return attributes(jmx, "metered-backup", null);
    }

    private static Map<String, Object> partition(MBeanServer jmx, String connector, int partition) throws Exception {
        return attributes(jmx, connector, Integer.toString(partition));
    }

    private static Map<String, Object> attributes(MBeanServer jmx, String connector, String partition) throws Exception {
        Map<String, Object> values = new TreeMap<>();
        for (ObjectName name : names(jmx, connector)) {
            if (partition == null ? name.getKeyProperty("partition") == null
                    : partition.equals(name.getKeyProperty("partition"))) {
                for (var attribute : jmx.getMBeanInfo(name).getAttributes()) {
                    values.put(attribute.getName(), jmx.getAttribute(name, attribute.getName()));
                }
                values.put("(name)", name.toString());
            }
        }
        return values;
    }
}
