package io.lifeboat.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.storage.S3ProxyServer;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every {@code curl} command of README.md's shell blocks, as written, against a real worker
 * (with the plugins installed from their zips) and a real S3-compatible store: {@code jq} filters are
 * applied with jackson-jq exactly as the README spells them, {@code --data @FILE} sends the repository's
 * config example with its placeholders filled in (plus the endpoint and keys of the local S3 server,
 * which a user of AWS does not set), and {@code http://connect:8083} is the worker's REST address.
 * A validate call must answer {@code error_count: 0}, a connector POST must create the connector, and
 * a GET of a connector's status must show it RUNNING.
 */
class ReadmeCommandsIT {

    private static final String README_PROPERTY = "lifeboat.readme";
    private static final String CONNECT = "http://connect:8083";
    private static final String TOPIC = "readme-orders";
    private static final String BUCKET = "readme-bucket";
    private static final String PREFIX = "readme-set";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    private static S3ProxyServer s3;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void storeAndTopic() throws Exception {
        s3 = new S3ProxyServer().start();
        s3.createBucket(BUCKET);
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all()
                .get(60, TimeUnit.SECONDS);
        // the walkthrough repositions the topic's consumers: one group, committed before the backup starts
        KAFKA.connect().admin().alterConsumerGroupOffsets("readme-consumers", Map.of(
                new org.apache.kafka.common.TopicPartition(TOPIC, 0), new org.apache.kafka.clients.consumer.OffsetAndMetadata(0),
                new org.apache.kafka.common.TopicPartition(TOPIC, 1), new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)))
                .all().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopStore() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void everyCurlCommandOfTheReadmeWorksAsWritten() throws Exception {
        List<List<String>> commands = curlCommands(Files.readString(readme()));
        assertFalse(commands.isEmpty(), "README.md has no curl command in a sh block");
        List<String> ran = new ArrayList<>();
        for (List<String> pipeline : commands) {
            run(pipeline);
            ran.add(String.join(" ", pipeline));
        }
        assertTrue(ran.stream().anyMatch(c -> c.contains("config/validate")), "no validate command was run: " + ran);
    }

    private static Path readme() {
        String configured = System.getProperty(README_PROPERTY);
        return configured != null ? Path.of(configured) : Path.of("..", "README.md");
    }

    /** Every command line of a {@code ```sh} block that calls curl, continuation lines joined, split into words. */
    static List<List<String>> curlCommands(String markdown) {
        List<List<String>> commands = new ArrayList<>();
        boolean inShell = false;
        StringBuilder line = new StringBuilder();
        for (String raw : markdown.split("\n")) {
            if (raw.startsWith("```")) {
                inShell = !inShell && raw.trim().equals("```sh");
                continue;
            }
            if (!inShell || raw.trim().startsWith("#")) {
                continue;
            }
            if (raw.endsWith("\\")) {
                line.append(raw, 0, raw.length() - 1).append(' ');
                continue;
            }
            line.append(raw);
            List<String> words = ShellWords.split(line.toString());
            line.setLength(0);
            if (words.contains("curl")) {
                commands.add(words);
            }
        }
        return commands;
    }

    /** Runs {@code [jq FILTER FILE |] curl ...}. */
    private void run(List<String> words) throws Exception {
        String command = String.join(" ", words);
        JsonNode stdin = null;
        int pipe = words.indexOf("|");
        List<String> curl = words;
        if (pipe >= 0) {
            List<String> jq = words.subList(0, pipe);
            assertEquals("jq", jq.get(0), "only jq may feed curl: " + command);
            assertEquals(3, jq.size(), "expected 'jq FILTER FILE': " + command);
            stdin = jq(jq.get(1), example(jq.get(2)));
            curl = words.subList(pipe + 1, words.size());
        }
        assertEquals("curl", curl.get(0), command);
        String method = "GET";
        String body = null;
        Map<String, String> headers = new LinkedHashMap<>();
        String url = null;
        for (int i = 1; i < curl.size(); i++) {
            String word = curl.get(i);
            switch (word) {
                case "-X" -> method = curl.get(++i);
                case "-H" -> {
                    String[] header = curl.get(++i).split(":\\s*", 2);
                    headers.put(header[0], header[1]);
                }
                case "--data", "-d" -> {
                    String data = curl.get(++i);
                    if (data.equals("@-")) {
                        assertTrue(stdin != null, "--data @- without a jq stage: " + command);
                        body = JSON.writeValueAsString(stdin);
                    } else if (data.startsWith("@")) {
                        body = JSON.writeValueAsString(example(data.substring(1)));
                    } else {
                        body = data;
                    }
                    if (method.equals("GET")) {
                        method = "POST";
                    }
                }
                default -> {
                    assertTrue(word.startsWith("http"), "unknown curl option in the README: " + word + " in " + command);
                    url = word;
                }
            }
        }
        assertTrue(url != null && url.startsWith(CONNECT), "the README's curl commands talk to " + CONNECT + ": " + command);
        URI uri = URI.create(KAFKA.connect().restUrl().replaceAll("/$", "") + url.substring(CONNECT.length()));
        if (method.equals("GET") && url.endsWith("/status")) {
            awaitRunning(uri, command);
            return;
        }
        HttpResponse<String> response = send(method, uri, headers, body);
        if (url.contains("/config/validate")) {
            assertEquals(200, response.statusCode(), command + " answered " + response.body());
            JsonNode answer = JSON.readTree(response.body());
            assertEquals(0, answer.get("error_count").asInt(), command + " answered errors: " + errors(answer));
        } else if (method.equals("POST") && url.endsWith("/connectors")) {
            assertEquals(201, response.statusCode(), command + " answered " + response.body());
            awaitBackupSetIfBackup(body);
        } else {
            assertEquals(200, response.statusCode(), command + " answered " + response.body());
        }
    }

    /** The error messages of a validate answer, by key. */
    private static Map<String, List<String>> errors(JsonNode answer) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (JsonNode config : answer.get("configs")) {
            List<String> messages = new ArrayList<>();
            config.get("value").get("errors").forEach(m -> messages.add(m.asText()));
            if (!messages.isEmpty()) {
                errors.put(config.get("value").get("name").asText(), messages);
            }
        }
        return errors;
    }

    private HttpResponse<String> send(String method, URI uri, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A connector's status, until it and its tasks are RUNNING (a user re-runs the command). */
    private void awaitRunning(URI uri, String command) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> response = send("GET", uri, Map.of(), null);
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode status = JSON.readTree(response.body());
                boolean tasksRunning = status.get("tasks").size() > 0;
                for (JsonNode task : status.get("tasks")) {
                    tasksRunning &= task.get("state").asText().equals("RUNNING");
                    assertFalse(task.get("state").asText().equals("FAILED"), command + " shows a failed task: " + last);
                }
                if (status.get("connector").get("state").asText().equals("RUNNING") && tasksRunning) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        fail(command + " never showed the connector and its tasks RUNNING; last answer: " + last);
    }

    /** After the backup is created, a user waits for it to record the topic before restoring it. */
    private void awaitBackupSetIfBackup(String body) throws Exception {
        JsonNode request = JSON.readTree(body);
        if (!request.get("config").get("connector.class").asText().endsWith("BackupSinkConnector")) {
            return;
        }
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            if (!s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(PREFIX + "/partitions/" + TOPIC + "/"))
                    .contents().isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        fail("the backup created by the README never recorded " + TOPIC + " in the store");
    }

    private static JsonNode jq(String filter, JsonNode input) throws Exception {
        Scope root = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
        List<JsonNode> out = new ArrayList<>();
        JsonQuery.compile(filter, Versions.JQ_1_6).apply(Scope.newChildScope(root), input, out::add);
        assertEquals(1, out.size(), "jq " + filter + " gave " + out);
        return out.get(0);
    }

    /**
     * A config example named by the README (a path from the repository root), placeholders filled in
     * with this test's topic, bucket, prefix and cluster, pointed at the local S3 server.
     */
    private static JsonNode example(String relativePath) throws Exception {
        Path file = readme().toAbsolutePath().getParent().resolve(relativePath);
        assertTrue(Files.isRegularFile(file), "the README names " + relativePath + ", which does not exist");
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, String> real = new HashMap<>();
        real.put("topics", TOPIC);
        real.put("s3.bucket.name", BUCKET);
        real.put("storage.prefix", PREFIX);
        real.put("target.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        real.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        // the walkthrough's "just before the bad deploy": after everything this test backed up
        real.put("restore.end.time", java.time.Instant.now().plus(java.time.Duration.ofHours(1)).toString());
        real.put("restore.topic.mapping", TOPIC + ":" + TOPIC + "_before_deploy");
        Map<String, String> config = new LinkedHashMap<>();
        root.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        Map<String, String> filled = ConfigExamples.substitute(config, real);
        if ("s3".equals(filled.getOrDefault("storage.backend", "s3"))) {
            filled.putAll(s3.storageProps(BUCKET));
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("name", root.get("name").asText());
        ObjectNode configNode = result.putObject("config");
        filled.forEach(configNode::put);
        return result;
    }

    /** Splits a shell command line into words: single and double quotes, backslash escapes, '|' as its own word. */
    static final class ShellWords {
        private ShellWords() {
        }

        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean inWord = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\'') {
                    int end = line.indexOf('\'', i + 1);
                    word.append(line, i + 1, end);
                    i = end;
                    inWord = true;
                } else if (c == '"') {
                    int end = line.indexOf('"', i + 1);
                    word.append(line, i + 1, end);
                    i = end;
                    inWord = true;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                    inWord = true;
                } else if (Character.isWhitespace(c) || c == '|') {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    if (c == '|') {
                        words.add("|");
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }
    }
}
