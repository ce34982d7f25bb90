package io.lifeboat.benchmarks.ceiling;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Connect's own ceiling for a sink, for {@code ./lifeboat bench}: a connector that does nothing with the
 * records it is handed and commits every offset it was handed. Whatever it reaches is what the worker,
 * its consumer and the converters allow; no sink connector on the same worker can be faster.
 */
public final class NullSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NullSinkTask.class;
    }

    /**
     * {@code tasks.max} identical tasks: as for any sink (the backup too), the worker's consumer group
     * splits the topic's partitions among them.
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "bench";
    }

    /** Ignores the records; the offsets Connect handed it are committed as they are. */
    public static final class NullSinkTask extends SinkTask {
        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public void put(Collection<SinkRecord> records) {
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
            return currentOffsets;
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "bench";
        }
    }
}
