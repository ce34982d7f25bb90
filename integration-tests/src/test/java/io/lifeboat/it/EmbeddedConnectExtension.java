package io.lifeboat.it;

import io.lifeboat.cli.ConnectorProgress;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.harness.EmbeddedKafkaConnect;
import io.lifeboat.harness.KafkaTopics;
import io.lifeboat.harness.PluginPath;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One {@link EmbeddedKafkaConnect} (broker + worker with the built plugins) for all tests of a class:
 * started before the class's {@code @BeforeAll} methods, stopped after its {@code @AfterAll} methods.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();
 * </pre>
 */
public final class EmbeddedConnectExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> extraWorkerProps;
    private EmbeddedKafkaConnect connect;
    private ConnectorProgress progress;
    private RestoreWatch restores;

    public EmbeddedConnectExtension() {
        this(Map.of());
    }

    /** A cluster whose worker also has {@code extraWorkerProps}. */
    public EmbeddedConnectExtension(Map<String, String> extraWorkerProps) {
        this.extraWorkerProps = Map.copyOf(extraWorkerProps);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        connect = EmbeddedKafkaConnect.start(PluginPath.locate(), extraWorkerProps);
        progress = new ConnectorProgress(connect);
        restores = new RestoreWatch(connect);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (connect != null) {
            connect.close();
            connect = null;
        }
    }

    public EmbeddedKafkaConnect connect() {
        if (connect == null) {
            throw new IllegalStateException("the embedded cluster is not running (register the extension on a static field)");
        }
        return connect;
    }

    public String bootstrapServers() {
        return connect().bootstrapServers();
    }

    public ConnectorProgress progress() {
        return progress;
    }

    public RestoreWatch restores() {
        return restores;
    }

    public KafkaTopics topics() {
        return new KafkaTopics(connect().admin());
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions unless it exists, and writes {@code count} records to it, keys
     * {@code key-<i>} and seeded random values of {@code valueBytes} bytes, dealt round-robin.
     */
    public void writeRecords(String topic, int partitions, int count, int valueBytes) throws Exception {
        try {
            connect().admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        SampleData.awaitLeaders(connect().admin(), List.of(topic));
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < count; i++) {
                byte[] value = new byte[valueBytes];
                random.nextBytes(value);
                producer.send(new ProducerRecord<>(topic, i % partitions, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        value));
            }
            producer.flush();
        }
    }

    /** Creates (or replaces the config of) a connector through the REST API. */
    public void configure(Map<String, String> config) {
        connect().cluster().configureConnector(config.get("name"), config);
    }
}
