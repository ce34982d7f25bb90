package io.lifeboat.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;

import java.nio.file.Files;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka and Kafka Connect in this JVM: one KRaft broker and one distributed Connect worker (with its
 * REST API on a free port), built on Apache Kafka's own {@link EmbeddedConnectCluster}. The worker
 * loads the Lifeboat plugins from a {@code plugin.path} folder, exactly as a production worker does
 * (isolated class loaders, {@code plugin.discovery=service_load}).
 *
 * <pre>
 * try (EmbeddedKafkaConnect connect = EmbeddedKafkaConnect.start(PluginPath.locate())) {
 *     connect.cluster().configureConnector("backup", config);
 * }
 * </pre>
 */
public final class EmbeddedKafkaConnect implements AutoCloseable {

    /** How often the worker commits offsets; small so that drills and tests see progress quickly. */
    public static final long OFFSET_FLUSH_INTERVAL_MS = 2_000;

    private final EmbeddedConnectCluster cluster;
    private final Path pluginPath;
    private Admin admin;

    private EmbeddedKafkaConnect(EmbeddedConnectCluster cluster, Path pluginPath) {
        this.cluster = cluster;
        this.pluginPath = pluginPath;
    }

    /**
     * Starts the broker and the worker and waits until the worker answers.
     *
     * @param pluginPath a folder holding one sub-folder per plugin, as on a worker's {@code plugin.path}
     */
    public static EmbeddedKafkaConnect start(Path pluginPath) {
        return start(pluginPath, Map.of());
    }

    /** As {@link #start(Path)}, with more worker settings (such as exactly.once.source.support). */
    public static EmbeddedKafkaConnect start(Path pluginPath, Map<String, String> extraWorkerProps) {
        if (!Files.isDirectory(pluginPath)) {
            throw new IllegalArgumentException("The plugin folder " + pluginPath + " does not exist; build the "
                    + "plugins first (mvn -DskipTests package) or run through the ./lifeboat launcher");
        }
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.path", pluginPath.toAbsolutePath().toString());
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", Long.toString(OFFSET_FLUSH_INTERVAL_MS));
        workerProps.put("connector.client.config.override.policy", "All");
        workerProps.putAll(extraWorkerProps);

        Properties brokerProps = new Properties();
        brokerProps.put("transaction.state.log.replication.factor", "1");
        brokerProps.put("transaction.state.log.min.isr", "1");
        brokerProps.put("offsets.topic.replication.factor", "1");
        brokerProps.put("group.initial.rebalance.delay.ms", "0");
        // A deleted topic must stay deleted until the restore creates it with its original partition count.
        brokerProps.put("auto.create.topics.enable", "false");

        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("lifeboat")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        EmbeddedKafkaConnect connect = new EmbeddedKafkaConnect(cluster, pluginPath);
        try {
            cluster.start();
            cluster.assertions().assertAtLeastNumWorkersAreUp(1, "The Connect worker did not start in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connect.close();
            throw new IllegalStateException("Interrupted while starting Kafka Connect", e);
        } catch (RuntimeException | AssertionError e) {
            connect.close();
            throw new IllegalStateException("Kafka and Kafka Connect did not start: " + e.getMessage(), e);
        }
        return connect;
    }

    /** Starts the cluster; Kafka's storage formatter prints to stdout, which would clutter a report. */
    public static EmbeddedKafkaConnect startQuietly(Path pluginPath) {
        return startQuietly(pluginPath, Map.of());
    }

    /** As {@link #startQuietly(Path)}, with more worker settings. */
    public static EmbeddedKafkaConnect startQuietly(Path pluginPath, Map<String, String> extraWorkerProps) {
        // Initialise logging first: a console appender created now would keep the muted stream for good.
        LoggerFactory.getLogger(EmbeddedKafkaConnect.class).debug("Starting the embedded cluster");
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return start(pluginPath, extraWorkerProps);
        } finally {
            System.setOut(stdout);
        }
    }

    /** Apache Kafka's harness, for REST calls ({@code configureConnector}, {@code connectorStatus}, ...). */
    public EmbeddedConnectCluster cluster() {
        return cluster;
    }

    /** The broker's bootstrap servers, for clients and for {@code target.cluster.bootstrap.servers}. */
    public String bootstrapServers() {
        return cluster.kafka().bootstrapServers();
    }

    /** The worker's REST API, such as {@code http://localhost:41234/}. */
    public String restUrl() {
        WorkerHandle worker = cluster.workers().iterator().next();
        return worker.url().toString();
    }

    /** The folder the worker loads plugins from. */
    public Path pluginPath() {
        return pluginPath;
    }

    /** An admin client on the broker, shared and closed with this object. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        cluster.stop();
    }
}
