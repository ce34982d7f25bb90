package io.lifeboat.core.config;

import org.apache.kafka.common.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Both connectors move bytes exactly as they are in Kafka, so both need ByteArrayConverter for
 * keys, values and headers; anything else would change the bytes. Checked in {@code validate()}.
 */
public final class ConverterRules {

    public static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";
    public static final List<String> CONVERTER_KEYS = List.of("key.converter", "value.converter", "header.converter");

    /** Adds an error to each converter key that is not ByteArrayConverter. */
    public static void requireByteArrayConverters(Map<String, String> props, Map<String, ConfigValue> results,
                                                  String why) {
        for (String key : CONVERTER_KEYS) {
            String converter = props.get(key);
            if (converter == null || !converter.trim().equals(BYTE_ARRAY_CONVERTER)) {
                addError(results, key, converter, key + " must be " + BYTE_ARRAY_CONVERTER + ": " + why
                        + (converter == null ? " (it is not set, so the worker's default would apply)" : ""));
            }
        }
    }

    /** Attaches {@code message} to {@code key}, adding the key to the results when the ConfigDef has none. */
    public static void addError(Map<String, ConfigValue> results, String key, Object value, String message) {
        results.computeIfAbsent(key, k -> new ConfigValue(k, value, new ArrayList<>(), new ArrayList<>()))
                .addErrorMessage(message);
    }

    private ConverterRules() {
    }
}
