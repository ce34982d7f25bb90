package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Kafka Connect cluster as its REST API shows it, and nothing else: what the drill and the other
 * commands may rely on when the cluster is not in this process. Each call has a timeout; an answer
 * other than the one expected is an {@link IOException} naming the request and the worker's message.
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param url the worker's REST URL, such as {@code http://connect:8083} */
    public ConnectRest(String url) {
        this.baseUrl = url.endsWith("/") ? url : url + "/";
    }

    public String url() {
        return baseUrl;
    }

    /** The state of a connector and its tasks. */
    public record Status(String state, String trace, List<TaskStatus> tasks) {
    }

    /** The state of one task. */
    public record TaskStatus(int id, String state, String trace) {
    }

    /** Creates or updates a connector ({@code PUT /connectors/<name>/config}). */
    public void putConnector(String name, Map<String, String> config) throws IOException {
        send("PUT", "connectors/" + encode(name) + "/config", JSON.writeValueAsString(config), 200, 201);
    }

    /** Deletes a connector; one that is gone already is fine. */
    public void deleteConnector(String name) throws IOException {
        send("DELETE", "connectors/" + encode(name), null, 204, 200, 404);
    }

    /**
     * Stops a connector ({@code PUT /connectors/<name>/stop}): its tasks shut down, its config stays, and
     * its offsets can then be reset.
     */
    public void stopConnector(String name) throws IOException {
        send("PUT", "connectors/" + encode(name) + "/stop", null, 202, 204, 200);
    }

    /** Removes a stopped connector's offsets ({@code DELETE /connectors/<name>/offsets}). */
    public void resetOffsets(String name) throws IOException {
        send("DELETE", "connectors/" + encode(name) + "/offsets", null, 200, 404);
    }

    /** The configs of the connector's tasks ({@code GET /connectors/<name>/tasks}), empty when there is none. */
    public List<Map<String, String>> taskConfigs(String name) throws IOException {
        List<Map<String, String>> configs = new ArrayList<>();
        for (JsonNode task : get("connectors/" + encode(name) + "/tasks").orElse(JSON.createArrayNode())) {
            Map<String, String> config = new TreeMap<>();
            task.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            configs.add(config);
        }
        return configs;
    }

    /** The names of the connectors. */
    public List<String> connectors() throws IOException {
        List<String> names = new ArrayList<>();
        get("connectors").orElseThrow().forEach(node -> names.add(node.asText()));
        return names;
    }

    /** The connector's config as the worker shows it (passwords hidden), empty when there is no such connector. */
    public Optional<JsonNode> config(String name) throws IOException {
        return get("connectors/" + encode(name) + "/config");
    }

    /** A connector's config (as {@link #config}) and status (as {@link #status}). */
    public record Described(JsonNode config, Status status) {
    }

    /**
     * Every connector with its config and status, in one call ({@code GET /connectors?expand=info&expand=status}),
     * by name.
     */
    public Map<String, Described> describeAll() throws IOException {
        Map<String, Described> all = new TreeMap<>();
        JsonNode answer = get("connectors?expand=info&expand=status").orElseThrow(() -> new IOException(
                "GET " + baseUrl + "connectors?expand=info&expand=status answered 404"));
        answer.fields().forEachRemaining(e -> all.put(e.getKey(), new Described(e.getValue().path("info").path("config"),
                parseStatus(e.getValue().path("status")))));
        return all;
    }

    /** The connector's status, empty when it does not exist (yet). */
    public Optional<Status> status(String name) throws IOException {
        Optional<JsonNode> answer = get("connectors/" + encode(name) + "/status");
        return answer.map(ConnectRest::parseStatus);
    }

    private static Status parseStatus(JsonNode node) {
        List<TaskStatus> tasks = new ArrayList<>();
        node.path("tasks").forEach(task -> tasks.add(new TaskStatus(task.path("id").asInt(),
                task.path("state").asText(), task.path("trace").asText(null))));
        return new Status(node.path("connector").path("state").asText(),
                node.path("connector").path("trace").asText(null), tasks);
    }

    /** The connector's offsets ({@code GET /connectors/<name>/offsets}), empty when it does not exist. */
    public Optional<JsonNode> offsets(String name) throws IOException {
        return get("connectors/" + encode(name) + "/offsets");
    }

    /** {@code GET path}: the answer, empty on 404. */
    public Optional<JsonNode> get(String path) throws IOException {
        HttpResponse<String> response = send("GET", path, null, 200, 404);
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(JSON.readTree(response.body()));
    }

    private HttpResponse<String> send(String method, String path, String body, int... expected) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " " + baseUrl + path + " was interrupted", e);
        } catch (IOException e) {
            throw new IOException("cannot reach the Connect REST API at " + baseUrl + " (" + method + " " + path
                    + "): " + e, e);
        }
        for (int code : expected) {
            if (response.statusCode() == code) {
                return response;
            }
        }
        throw new IOException(method + " " + baseUrl + path + " answered " + response.statusCode() + ": "
                + message(response.body()));
    }

    private static String message(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.hasNonNull("message") ? node.get("message").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
