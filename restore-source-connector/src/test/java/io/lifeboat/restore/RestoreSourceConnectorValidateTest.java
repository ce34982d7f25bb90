package io.lifeboat.restore;

import io.lifeboat.core.layout.TimeRange;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The producer overrides and times a restore refuses: each error sits on the key to fix and says why. */
class RestoreSourceConnectorValidateTest {

    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";

    @TempDir
    Path root;

    private Map<String, String> valid() throws Exception {
        Files.createDirectories(root.resolve("set/partitions/orders"));
        Files.writeString(root.resolve("set/partitions/orders/000000"), "{}");
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", RestoreSourceConnector.class.getName());
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", root.toString());
        props.put("storage.prefix", "set");
        props.put("target.cluster.bootstrap.servers", "localhost:9092");
        props.put("key.converter", BYTES);
        props.put("value.converter", BYTES);
        props.put("header.converter", BYTES);
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : new RestoreSourceConnector().validate(props).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        return errors;
    }

    private static void assertOnlyError(Map<String, List<String>> errors, String key, String text) {
        assertEquals(List.of(key), List.copyOf(errors.keySet()), errors.toString());
        assertTrue(errors.get(key).get(0).contains(text), errors.toString());
    }

    @Test
    void safeProducerOverridesHaveNoErrors() throws Exception {
        assertEquals(Map.of(), errors(valid()));
        Map<String, String> props = valid();
        props.put("producer.override.acks", "all");
        props.put("producer.override.enable.idempotence", "true");
        props.put("producer.override.max.in.flight.requests.per.connection", "5");
        assertEquals(Map.of(), errors(props));
        props.put("producer.override.acks", "-1");
        props.put("producer.override.enable.idempotence", "false");
        props.put("producer.override.max.in.flight.requests.per.connection", "1");
        assertEquals(Map.of(), errors(props));
    }

    @Test
    void acksBelowAllAreRejected() throws Exception {
        for (String acks : List.of("1", "0")) {
            Map<String, String> props = valid();
            props.put("producer.override.acks", acks);
            assertOnlyError(errors(props), "producer.override.acks", "must be all (or -1), not " + acks);
        }
    }

    @Test
    void idempotenceOffNeedsOneRequestInFlight() throws Exception {
        Map<String, String> props = valid();
        props.put("producer.override.enable.idempotence", "false");
        assertOnlyError(errors(props), "producer.override.enable.idempotence",
                "needs producer.override.max.in.flight.requests.per.connection=1 set as well");
        props.put("producer.override.max.in.flight.requests.per.connection", "2");
        assertOnlyError(errors(props), "producer.override.enable.idempotence", "reorder");
    }

    /** Connect's producer is not idempotent unless told so: more requests in flight reorder on retries. */
    @Test
    void moreRequestsInFlightNeedIdempotence() throws Exception {
        Map<String, String> props = valid();
        props.put("producer.override.max.in.flight.requests.per.connection", "5");
        assertOnlyError(errors(props), "producer.override.max.in.flight.requests.per.connection",
                "needs producer.override.enable.idempotence=true");
    }

    @Test
    void timesAreInstantsOrEpochMillisAndTheStartComesFirst() throws Exception {
        Map<String, String> props = valid();
        props.put("restore.start.time", "2026-12-02T13:00:00+01:00");
        props.put("restore.end.time", "1796220120000");
        assertEquals(Map.of(), errors(props));
        assertEquals(new TimeRange(OptionalLong.of(1_796_212_800_000L), OptionalLong.of(1_796_220_120_000L)),
                new RestoreSourceConfig(props).timeRange());

        props.put("restore.end.time", "2026-12-02 14:02");
        assertOnlyError(errors(props), "restore.end.time", "ISO-8601 instant with a zone offset");
        props.put("restore.end.time", "2026-12-02T14:02:00");
        assertOnlyError(errors(props), "restore.end.time", "2026-12-02T14:02:00Z");

        props.put("restore.end.time", "2026-12-02T12:00:00Z");
        assertOnlyError(errors(props), "restore.end.time", "must be after restore.start.time");
        props.put("restore.end.time", "2026-12-02T12:00:00Z");
        props.put("restore.start.time", "2026-12-02T12:00:00Z");
        assertOnlyError(errors(props), "restore.end.time", "must be after restore.start.time");

        props.remove("restore.end.time");
        props.put("restore.start.time", "soon");
        assertOnlyError(errors(props), "restore.start.time", "epoch milliseconds");
        props.put("restore.start.time", "");
        assertEquals(Map.of(), errors(props), "an empty value is no bound");
        assertEquals(TimeRange.ALL, new RestoreSourceConfig(props).timeRange());
    }

    @Test
    void aMalformedTopicConfigIsRejectedOnItsKeyNamingTheEntry() throws Exception {
        Map<String, String> props = valid();
        props.put("restore.topic.configs", "retention.ms");
        assertOnlyError(errors(props), "restore.topic.configs", "'retention.ms' is not a name=value topic config");
        props.put("restore.topic.configs", "retention.ms=-1,cleanup.policy=compact,delete");
        assertEquals(Map.of(), errors(props));
    }

    @Test
    void restoreModeOnceIsAcceptedAndFollowIsRejectedAsNotSupportedYet() throws Exception {
        Map<String, String> props = valid();
        props.put("restore.mode", "once");
        assertEquals(Map.of(), errors(props));
        props.put("restore.mode", "follow");
        assertOnlyError(errors(props), "restore.mode", "not supported by this version of Lifeboat yet");
    }

    @Test
    void aReplicationFactorOfZeroIsRejectedOnItsKey() throws Exception {
        Map<String, String> props = valid();
        props.put("restore.replication.factor", "0");
        assertOnlyError(errors(props), "restore.replication.factor", "-1 (the target broker's default) or a replica count");
    }
}
