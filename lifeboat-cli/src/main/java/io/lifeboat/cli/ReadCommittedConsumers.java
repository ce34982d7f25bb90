package io.lifeboat.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.HashMap;
import java.util.Map;

/**
 * The consumer the commands read topics with: read_committed (as a backup reads them), no group, no
 * commits, no topic created by asking, bytes as they are.
 */
final class ReadCommittedConsumers {

    private ReadCommittedConsumers() {
    }

    /** @param clientConfig Kafka client settings, bootstrap servers included */
    static KafkaConsumer<byte[], byte[]> create(Map<String, Object> clientConfig, String clientId) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
