package io.lifeboat.restore;

import io.lifeboat.core.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The user's {@code restore.topic.configs}: topic configs applied over the backed-up ones on topics
 * the restore creates. Each entry is {@code name=value}; Kafka's list syntax splits on commas, so an
 * item without {@code =} continues the value of the entry before it
 * ({@code cleanup.policy=compact,delete} is one entry). An empty value ({@code name=}) drops the
 * config: the target broker's default applies.
 */
final class TopicConfigOverrides {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    static final ConfigDef.Validator VALIDATOR = Validators.described("name=value topic configs", (name, value) -> {
        try {
            parse(((List<?>) value).stream().map(String::valueOf).toList());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    });

    private final Map<String, String> values;

    private TopicConfigOverrides(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    static final TopicConfigOverrides NONE = new TopicConfigOverrides(new LinkedHashMap<>());

    /** Parses the items of the list; a malformed entry is an {@link IllegalArgumentException} naming it. */
    static TopicConfigOverrides parse(List<String> items) {
        Map<String, String> values = new LinkedHashMap<>();
        String last = null;
        for (String raw : items) {
            String item = raw.trim();
            int eq = item.indexOf('=');
            if (eq < 0) {
                if (last == null) {
                    throw new IllegalArgumentException("'" + item + "' is not a name=value topic config "
                            + "(e.g. retention.ms=-1)");
                }
                values.put(last, values.get(last) + "," + item);
                continue;
            }
            String name = item.substring(0, eq).trim();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + item + "' is not a name=value topic config: '" + name
                        + "' is not a config name");
            }
            if (values.containsKey(name)) {
                throw new IllegalArgumentException("topic config " + name + " is set twice");
            }
            values.put(name, item.substring(eq + 1).trim());
            last = name;
        }
        return new TopicConfigOverrides(values);
    }

    /** Configs to set, by name, in the order given. */
    Map<String, String> set() {
        Map<String, String> set = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (!value.isEmpty()) {
                set.put(name, value);
            }
        });
        return set;
    }

    /** Whether the user named {@code config}, to set or to drop it. */
    boolean names(String config) {
        return values.containsKey(config);
    }

    /** Whether the user dropped {@code config} with an empty value. */
    boolean drops(String config) {
        return "".equals(values.get(config));
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
