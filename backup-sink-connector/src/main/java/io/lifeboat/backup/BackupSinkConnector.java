package io.lifeboat.backup;

import io.lifeboat.core.LifeboatVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuously backs up Kafka topics to object storage as segment files (see docs/FORMAT.md).
 * Every task takes the same config; Kafka's consumer group spreads the partitions over them.
 */
public class BackupSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        if (props.containsKey("source.cluster.bootstrap.servers")) {
            throw new ConfigException("source.cluster.bootstrap.servers", props.get("source.cluster.bootstrap.servers"),
                    "not supported by this version of Lifeboat yet");
        }
        new BackupSinkConfig(props);
        this.props = Map.copyOf(props);
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
