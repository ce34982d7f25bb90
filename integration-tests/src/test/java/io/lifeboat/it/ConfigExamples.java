package io.lifeboat.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The REST request bodies in the repository's {@code config-examples/} folder, with their placeholders
 * replaced by real values, so that they can be validated against a running worker.
 */
final class ConfigExamples {

    /** Set by the failsafe configuration; else {@code ../config-examples} from the module folder. */
    static final String PROPERTY = "lifeboat.config.examples";

    /** Looks like a value a user must change: {@code <...>}, {@code ${...}}, {@code CHANGE_ME}, {@code your-...}. */
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "<[^>]*>|\\$\\{[^}]*}|(?i)change[_-]?me|(?i)\\byour[-_.]|(?i)replace[_-]?me|(?i)\\bplaceholder\\b");

    private ConfigExamples() {
    }

    /** The examples folder (which may not exist). */
    static Path folder() {
        String configured = System.getProperty(PROPERTY);
        return configured != null ? Path.of(configured) : Path.of("..", "config-examples");
    }

    /** Every {@code *.json} file of the folder, sorted by name. */
    static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(folder())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The {@code name} and {@code config} of an example, as a flat connector config (with "name"). */
    static Map<String, String> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(file + " has no \"config\" object");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            flat.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        if (root.hasNonNull("name")) {
            flat.putIfAbsent("name", root.get("name").asText());
        }
        return flat;
    }

    /**
     * Replaces what a user must change: the keys that point at infrastructure get working values
     * ({@code realValues}: key to value, used when the example sets that key), and any other value that
     * still looks like a placeholder becomes a plain token.
     */
    static Map<String, String> substitute(Map<String, String> example, Map<String, String> realValues) {
        Map<String, String> result = new LinkedHashMap<>();
        example.forEach((key, value) -> {
            if (realValues.containsKey(key)) {
                result.put(key, realValues.get(key));
            } else if (value != null && PLACEHOLDER.matcher(value).find()) {
                result.put(key, PLACEHOLDER.matcher(value).replaceAll("example"));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }

    /** True when a value still looks like a placeholder. */
    static boolean isPlaceholder(String value) {
        return value != null && PLACEHOLDER.matcher(value).find();
    }
}
