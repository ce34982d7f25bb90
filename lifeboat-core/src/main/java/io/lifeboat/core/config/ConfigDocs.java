package io.lifeboat.core.config;

import org.apache.kafka.common.config.ConfigDef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Renders a connector's {@link ConfigDef} as a Markdown table for docs/CONFIG.md. */
public final class ConfigDocs {

    public static String markdown(ConfigDef def) {
        StringBuilder out = new StringBuilder();
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        keys.removeIf(k -> k.internalConfig);
        keys.sort(Comparator.comparing((ConfigDef.ConfigKey k) -> def.groups().indexOf(k.group))
                .thenComparingInt(k -> k.orderInGroup));
        String group = null;
        for (ConfigDef.ConfigKey key : keys) {
            if (!key.group.equals(group)) {
                group = key.group;
                out.append("\n#### ").append(group).append("\n\n");
                out.append("| key | type | default | valid values | importance | description |\n");
                out.append("|---|---|---|---|---|---|\n");
            }
            out.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ")
                    .append(defaultValue(key)).append(" | ")
                    .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                    .append(key.importance.name().toLowerCase()).append(" | ")
                    .append(escape(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        if (key.defaultValue == null) {
            return "none";
        }
        String text = ConfigDef.convertToString(key.defaultValue, key.type);
        return text == null || text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private ConfigDocs() {
    }
}
