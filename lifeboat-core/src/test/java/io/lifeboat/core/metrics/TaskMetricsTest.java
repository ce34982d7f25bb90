package io.lifeboat.core.metrics;

import org.apache.kafka.common.metrics.PluginMetrics;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a worker without plugin metrics, the gauges are in JMX under io.lifeboat, tagged, live, and gone on close. */
class TaskMetricsTest {

    @Test
    void withoutPluginMetricsTheGaugesAreInJmxOfTheirOwn() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        AtomicLong stored = new AtomicLong(3);
        ObjectName task = new ObjectName("io.lifeboat:type=test-task-metrics,connector=c1,task=2");
        ObjectName partition = new ObjectName("io.lifeboat:type=test-task-metrics,connector=c1,task=2,topic=orders,"
                + "partition=5");
        try (TaskMetrics metrics = TaskMetrics.open(() -> {
            throw new UnsupportedOperationException("no plugin metrics on this worker");
        }, "test-task-metrics", "c1", 2)) {
            metrics.gauge("records-stored-total", "records", Map.of(), stored::get);
            metrics.gauge("rpo-ms", "rpo", Map.of("topic", "orders", "partition", "5"), () -> 1234L);
            assertEquals(3L, ((Number) jmx.getAttribute(task, "records-stored-total")).longValue());
            stored.set(9);
            assertEquals(9L, ((Number) jmx.getAttribute(task, "records-stored-total")).longValue(), "a live value");
            assertEquals(1234L, ((Number) jmx.getAttribute(partition, "rpo-ms")).longValue());

            metrics.remove(Map.of("topic", "orders", "partition", "5"));
            assertFalse(jmx.isRegistered(partition), "a revoked partition's gauges go");
            assertTrue(jmx.isRegistered(task));
        }
        assertFalse(jmx.isRegistered(task), "closed: gone");
    }

    @Test
    void aWorkerWithoutTheMethodFallsBackToo() {
        try (TaskMetrics metrics = TaskMetrics.open(() -> {
            throw new NoSuchMethodError("pluginMetrics");
        }, "test-task-metrics", "c2", 0)) {
            metrics.gauge("x", "x", Map.of(), () -> 1);
            metrics.gauge("x", "x", Map.of(), () -> 2); // twice: logged, not thrown
        }
        PluginMetrics none = null;
        try (TaskMetrics metrics = TaskMetrics.open(() -> none, "test-task-metrics", "c3", 0)) {
            metrics.gauge("y", "y", Map.of(), () -> 1);
        }
    }
}
