package io.lifeboat.backup;

import io.lifeboat.core.LifeboatVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuously backs up Kafka topics to object storage as segment files (see docs/FORMAT.md).
 * Every task takes the same config; Kafka's consumer group spreads the partitions over them.
 */
public class BackupSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(BackupSinkConnector.class);

    private Map<String, String> props;
    private MetadataRecorder metadata;

    /**
     * Starts the {@link MetadataRecorder} when {@code source.cluster.bootstrap.servers} is set (one per
     * connector, whatever {@code tasks.max}); without it, says once what the backup set then lacks.
     */
    @Override
    public void start(Map<String, String> props) {
        BackupSinkConfig config = new BackupSinkConfig(props);
        this.props = Map.copyOf(props);
        if (config.recordsMetadata()) {
            metadata = new MetadataRecorder(config);
            metadata.start();
        } else {
            log.warn("Backup connector {} records no metadata snapshots: {} is not set. The backup set holds the "
                    + "records but not the topics' ids and configs nor the consumer groups' offsets, so a restore "
                    + "creates topics with their partition counts only and cannot reposition consumer groups. Set {} "
                    + "to the backed-up cluster's bootstrap servers to record them", config.connectorName(),
                    BackupSinkConfig.SOURCE_BOOTSTRAP_SERVERS, BackupSinkConfig.SOURCE_BOOTSTRAP_SERVERS);
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return BackupSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(props);
            config.put(BackupSinkConfig.TASK_NUMBER, Integer.toString(i));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return BackupSinkValidator.validate(connectorConfigs, super.validate(connectorConfigs));
    }

    @Override
    public void stop() {
        if (metadata != null) {
            metadata.stop();
            metadata = null;
        }
    }

    @Override
    public ConfigDef config() {
        return BackupSinkConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return LifeboatVersion.get();
    }
}
