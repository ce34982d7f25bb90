package io.lifeboat.core.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A connector task's gauges, where an operator's monitoring reads them: Connect's own plugin metrics
 * (KIP-877: the worker's metrics reporters and JMX, under {@code kafka.connect:type=plugins} with the
 * connector and task as tags) when the worker offers them (Kafka 4.1 and later), otherwise JMX of
 * Lifeboat's own, under {@code io.lifeboat:type=<group>} with the same tags. Removes them all on close.
 */
public final class TaskMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);
    /** The JMX domain of the metrics on workers without plugin metrics. */
    public static final String JMX_DOMAIN = "io.lifeboat";

    private final PluginMetrics plugin;
    private final Metrics own;
    private final String group;
    private final Map<String, String> taskTags;
    private final List<MetricName> names = new ArrayList<>();

    private TaskMetrics(PluginMetrics plugin, Metrics own, String group, Map<String, String> taskTags) {
        this.plugin = plugin;
        this.own = own;
        this.group = group;
        this.taskTags = taskTags;
    }

    /**
     * @param pluginMetrics the task context's {@code pluginMetrics()} (it throws on workers before Kafka 4.1)
     * @param group         the JMX type of the fallback ({@code backup-task-metrics})
     */
    public static TaskMetrics open(Supplier<PluginMetrics> pluginMetrics, String group, String connector, int task) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", Integer.toString(task));
        try {
            PluginMetrics plugin = pluginMetrics.get();
            if (plugin != null) {
                return new TaskMetrics(plugin, null, group, Map.of());
            }
        } catch (LinkageError | RuntimeException e) {
            log.info("This Connect worker offers no plugin metrics (before Kafka 4.1: {}); Lifeboat's metrics are in "
                    + "JMX under io.lifeboat:type={}", e.toString(), group);
        }
        Metrics own = new Metrics(new MetricConfig(), new ArrayList<>(List.of(new JmxReporter())), Time.SYSTEM,
                new KafkaMetricsContext(JMX_DOMAIN));
        return new TaskMetrics(null, own, group, tags);
    }

    /** Adds a gauge; {@code tags} (such as topic and partition) tell gauges of one name apart. */
    public void gauge(String name, String description, Map<String, String> tags, Supplier<? extends Number> value) {
        LinkedHashMap<String, String> all = new LinkedHashMap<>(taskTags);
        all.putAll(tags);
        MetricName metric = plugin != null ? plugin.metricName(name, description, all)
                : own.metricName(name, group, description, all);
        Gauge<Number> gauge = (config, now) -> value.get();
        try {
            if (plugin != null) {
                plugin.addMetric(metric, gauge);
            } else {
                own.addMetric(metric, gauge);
            }
            synchronized (names) {
                names.add(metric);
            }
        } catch (RuntimeException e) {
            // a metric of that name exists already (a task of the same name not stopped in this JVM): the
            // task goes on without it
            log.warn("Cannot add metric {}: {}", metric, e.toString());
        }
    }

    /** Removes the gauges whose tags include all of {@code tags} (such as a revoked partition's). */
    public void remove(Map<String, String> tags) {
        synchronized (names) {
            names.removeIf(metric -> {
                if (metric.tags().entrySet().containsAll(tags.entrySet())) {
                    removeMetric(metric);
                    return true;
                }
                return false;
            });
        }
    }

    private void removeMetric(MetricName metric) {
        if (plugin != null) {
            plugin.removeMetric(metric);
        } else {
            own.removeMetric(metric);
        }
    }

    @Override
    public void close() {
        synchronized (names) {
            names.forEach(this::removeMetric);
            names.clear();
        }
        if (own != null) {
            own.close();
        }
    }
}
