package io.lifeboat.core.config;

import org.apache.kafka.common.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Both connectors move records exactly as they are in Kafka: both need ByteArrayConverter for keys,
 * values and headers (anything else would change the bytes), and neither takes transforms or a
 * tolerance for errors (which would alter or drop records). Checked in {@code validate()}.
 */
public final class ExactCopyRules {

    public static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";
    public static final List<String> CONVERTER_KEYS = List.of("key.converter", "value.converter", "header.converter");

    /** Adds an error to each converter key that is not ByteArrayConverter. */
    public static void requireByteArrayConverters(Map<String, String> props, Map<String, ConfigValue> results,
                                                  String why) {
        for (String key : CONVERTER_KEYS) {
            String converter = props.get(key);
            if (converter == null || !converter.trim().equals(BYTE_ARRAY_CONVERTER)) {
                addError(results, key, key + " must be " + BYTE_ARRAY_CONVERTER + ": " + why
                        + (converter == null ? " (it is not set, so the worker's default would apply)" : ""));
            }
        }
    }

    /** Adds an error to {@code transforms} when set: transforms would alter records. */
    public static void rejectTransforms(Map<String, String> props, Map<String, ConfigValue> results, String what) {
        String transforms = props.get("transforms");
        if (transforms != null && !transforms.isBlank()) {
            addError(results, "transforms", what + " takes no transforms: records are copied exactly as they are");
        }
    }

    /** Adds an error to {@code errors.tolerance} when it is not 'none': tolerated errors drop records. */
    public static void rejectErrorTolerance(Map<String, String> props, Map<String, ConfigValue> results, String what) {
        String tolerance = props.get("errors.tolerance");
        if (tolerance != null && !tolerance.trim().equalsIgnoreCase("none")) {
            addError(results, "errors.tolerance", "errors.tolerance must be none for " + what + ": a tolerated error "
                    + "would skip a record silently");
        }
    }

    /**
     * Attaches {@code message} to {@code key}, adding the key to the results when the connector's
     * ConfigDef has none. Such a value is left null: Connect renders the key with its own type
     * (a class for converters, a list for transforms) and would fail on a value of another type.
     */
    public static void addError(Map<String, ConfigValue> results, String key, String message) {
        results.computeIfAbsent(key, k -> new ConfigValue(k, null, new ArrayList<>(), new ArrayList<>()))
                .addErrorMessage(message);
    }

    private ExactCopyRules() {
    }
}
