package io.lifeboat.restore;

import io.lifeboat.core.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Which target topic a backed-up topic is restored into: renamed by restore.topic.mapping, or the same name. */
public final class TopicMapping {

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    static final ConfigDef.Validator TOPIC_LIST_VALIDATOR = Validators.described("topic names", (name, value) -> {
        for (Object topic : (List<?>) value) {
            if (!TOPIC.matcher(String.valueOf(topic)).matches()) {
                throw new ConfigException(name, value, "'" + topic + "' is not a valid Kafka topic name");
            }
        }
    });

    static final ConfigDef.Validator MAPPING_VALIDATOR = Validators.described("source:target pairs", (name, value) -> {
        try {
            parse(((List<?>) value).stream().map(String::valueOf).toList());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    });

    private final Map<String, String> renames;

    private TopicMapping(Map<String, String> renames) {
        this.renames = renames;
    }

    static TopicMapping parse(List<String> entries) {
        Map<String, String> renames = new HashMap<>();
        Map<String, String> targets = new HashMap<>();
        for (String entry : entries) {
            String[] parts = entry.trim().split(":", -1);
            if (parts.length != 2 || !TOPIC.matcher(parts[0]).matches() || !TOPIC.matcher(parts[1]).matches()) {
                throw new IllegalArgumentException("'" + entry + "' is not a source:target pair of topic names");
            }
            if (renames.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException("topic " + parts[0] + " is mapped twice");
            }
            String other = targets.put(parts[1], parts[0]);
            if (other != null) {
                throw new IllegalArgumentException("topics " + other + " and " + parts[0] + " both map to " + parts[1]);
            }
        }
        return new TopicMapping(Map.copyOf(renames));
    }

    public String target(String sourceTopic) {
        return renames.getOrDefault(sourceTopic, sourceTopic);
    }

    /** Source topics named in the mapping. */
    public Set<String> sources() {
        return renames.keySet();
    }
}
