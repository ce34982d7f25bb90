package io.lifeboat.it;

import io.lifeboat.harness.EmbeddedKafkaConnect;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates a connector config through the worker's REST API
 * ({@code PUT /connector-plugins/<class>/config/validate}) and collects the errors by key.
 */
final class ConnectorValidation {

    private ConnectorValidation() {
    }

    /** The raw answer of the validate endpoint for {@code config} (which names its connector.class). */
    static ConfigInfos validate(EmbeddedKafkaConnect connect, Map<String, String> config) {
        return connect.cluster().validateConnectorConfig(config.get("connector.class"), config);
    }

    /** Error messages by config key; empty when the config is valid. */
    static Map<String, List<String>> errors(EmbeddedKafkaConnect connect, Map<String, String> config) {
        Map<String, List<String>> errors = new TreeMap<>();
        for (ConfigInfo info : validate(connect, config).configs()) {
            if (info.configValue() != null && !info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        return errors;
    }
}
