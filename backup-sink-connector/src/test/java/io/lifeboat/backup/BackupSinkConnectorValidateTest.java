package io.lifeboat.backup;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupSinkConnectorValidateTest {

    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private static Map<String, String> valid() {
        Map<String, String> props = new HashMap<>();
        props.put("topics", "orders");
        props.put("storage.backend", "s3");
        props.put("s3.bucket.name", "backups");
        props.put("key.converter", BYTES);
        props.put("value.converter", BYTES);
        props.put("header.converter", BYTES);
        props.put("consumer.override.isolation.level", "read_committed");
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : new BackupSinkConnector().validate(props).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void validConfigHasNoErrors() {
        assertEquals(Map.of(), errors(valid()));
    }

    @Test
    void otherConvertersAreRejectedWithTheReason() {
        Map<String, String> props = valid();
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.remove("header.converter");
        Map<String, List<String>> errors = errors(props);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get("value.converter").get(0).contains("must be " + BYTES));
        assertTrue(errors.get("header.converter").get(0).contains("not set"));
    }

    @Test
    void s3NeedsABucketAndBothOrNoStaticKeys() {
        Map<String, String> props = valid();
        props.remove("s3.bucket.name");
        props.put("aws.access.key.id", "AKIA");
        Map<String, List<String>> errors = errors(props);
        assertTrue(errors.get("s3.bucket.name").get(0).contains("required"), errors.toString());
        assertTrue(errors.get("aws.secret.access.key").get(0).contains("together"), errors.toString());
    }

    @Test
    void filesystemNeedsAnAbsoluteRoot() {
        Map<String, String> props = valid();
        props.put("storage.backend", "filesystem");
        props.put("filesystem.root", "relative/dir");
        assertTrue(errors(props).get("filesystem.root").get(0).contains("absolute"));
    }

    @Test
    void readUncommittedAndTransformsAreRejected() {
        Map<String, String> props = valid();
        props.put("consumer.override.isolation.level", "read_uncommitted");
        props.put("transforms", "mask");
        Map<String, List<String>> errors = errors(props);
        assertTrue(errors.get("consumer.override.isolation.level").get(0).contains("aborted transactions"));
        assertTrue(errors.get("transforms").get(0).contains("no transforms"));
        assertNull(new BackupSinkConnector().validate(props).configValues().stream()
                .filter(v -> v.name().equals("transforms")).findFirst().orElseThrow().value(),
                "Connect renders transforms as a list; a value of another type would fail the REST call");
    }

    @Test
    void anAutoOffsetResetOtherThanEarliestIsRejected() {
        Map<String, String> props = valid();
        props.put("consumer.override.auto.offset.reset", "latest");
        List<String> messages = errors(props).get("consumer.override.auto.offset.reset");
        assertEquals(1, messages.size(), String.valueOf(messages));
        assertTrue(messages.get(0).contains("consumer.override.auto.offset.reset must be earliest"), messages.get(0));
        props.put("consumer.override.auto.offset.reset", "none");
        assertTrue(errors(props).containsKey("consumer.override.auto.offset.reset"));
        props.put("consumer.override.auto.offset.reset", "Earliest");
        assertEquals(Map.of(), errors(props));
    }

    @Test
    void aSourceClusterIsAcceptedWithoutBeingReachedAndAMalformedOneIsAnErrorOnItsKey() {
        Map<String, String> props = valid();
        props.put("source.cluster.bootstrap.servers", "source-cluster-that-does-not-resolve.invalid:9092");
        props.put("metadata.interval.ms", "5000");
        assertEquals(Map.of(), errors(props), "validate() does not require the source cluster to be reachable");
        props.put("source.cluster.bootstrap.servers", "source:9092,source-2");
        props.put("metadata.interval.ms", "10");
        Map<String, List<String>> errors = errors(props);
        assertEquals(1, errors.get("source.cluster.bootstrap.servers").size(), errors.toString());
        assertTrue(errors.get("source.cluster.bootstrap.servers").get(0).contains("'source-2' is not host:port"),
                errors.toString());
        assertTrue(errors.containsKey("metadata.interval.ms"), errors.toString());
    }

    @Test
    void invalidAdminSettingsOfTheSourceClusterAreAnError() {
        Map<String, String> props = valid();
        props.put("source.cluster.bootstrap.servers", "source:9092");
        props.put("source.cluster.security.protocol", "SASL_TLS");
        List<String> messages = errors(props).get("source.cluster.bootstrap.servers");
        assertEquals(1, messages.size(), String.valueOf(messages));
        assertTrue(messages.get(0).contains("(source.cluster.*) are invalid"), messages.get(0));
        assertTrue(messages.get(0).contains("SASL_TLS"), messages.get(0));
        props.put("source.cluster.security.protocol", "SASL_SSL");
        assertEquals(Map.of(), errors(props));
    }

    @Test
    void badValuesOfOwnKeysAreRejected() {
        Map<String, String> props = valid();
        props.put("segment.compression", "lz4");
        props.put("segment.max.records", "0");
        props.put("s3.bucket.name", "No_Such_Bucket");
        Map<String, List<String>> errors = errors(props);
        assertTrue(errors.containsKey("segment.compression"), errors.toString());
        assertTrue(errors.containsKey("segment.max.records"), errors.toString());
        assertTrue(errors.containsKey("s3.bucket.name"), errors.toString());
    }
}
