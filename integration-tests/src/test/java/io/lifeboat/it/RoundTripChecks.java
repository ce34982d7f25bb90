package io.lifeboat.it;

import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.Main;
import io.lifeboat.cli.RecordComparison;
import io.lifeboat.cli.RestoreWatch;
import io.lifeboat.cli.TopicSnapshot;
import io.lifeboat.harness.SampleData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backup-and-restore round trip, run against one store per subclass: {@link SampleData}'s awkward
 * topics are backed up once per class; each test then restores them and compares every record with the
 * original, byte for byte ({@link RecordComparison}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoundTripChecks {

    static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    private SampleData.Topics topics;
    private final Map<String, TopicSnapshot> originals = new LinkedHashMap<>();
    private Map<String, String> storage;

    /** Opens the store for this class and returns the connector storage keys that reach it. */
    protected abstract Map<String, String> openStore() throws Exception;

    /** Closes what {@link #openStore()} opened. */
    protected abstract void closeStore() throws Exception;

    /** A short name for topics and connectors, such as "fs". */
    protected abstract String label();

    /** The ./lifeboat options that name this class's backup set (store and prefix). */
    protected abstract List<String> cliStoreArgs();

    @BeforeAll
    void backUpSampleData() throws Exception {
        storage = openStore();
        topics = new SampleData(KAFKA.bootstrapServers()).write(KAFKA.connect().admin(), label() + ".");
        for (String topic : topics.all()) {
            originals.put(topic, TopicSnapshot.read(KAFKA.bootstrapServers(), topic, TIMEOUT));
        }
        checkSampleDataIsAwkward();
        String backup = label() + "-backup";
        KAFKA.configure(ConnectorConfigs.backup(backup, topics.all(), storage));
        KAFKA.progress().awaitBackupCaughtUp(backup, originals.values(), TIMEOUT);
        KAFKA.progress().deleteConnector(backup, TIMEOUT);
    }

    @AfterAll
    void closeTheStore() throws Exception {
        closeStore();
    }

    /** The originals hold what the test is about; otherwise a pass would prove little. */
    private void checkSampleDataIsAwkward() {
        TopicSnapshot wide = originals.get(topics.wide());
        assertEquals(SampleData.WIDE_PARTITIONS, wide.partitionCount());
        SampleData.EMPTY_WIDE_PARTITIONS.forEach(p -> assertTrue(wide.records(p).isEmpty(), "partition " + p + " empty"));
        assertEquals(60, values(originals.get(topics.transactional()), SampleData.COMMITTED_VALUE_PREFIX));
        assertEquals(0, values(originals.get(topics.transactional()), SampleData.ABORTED_VALUE_PREFIX));
        assertTrue(originals.get(topics.big()).allRecords().stream()
                .anyMatch(r -> r.value().length == SampleData.BIG_VALUE_BYTES));
    }

    @Test
    void restoresDeletedTopicsByteForByte() throws Exception {
        KAFKA.topics().deleteAndAwait(topics.all(), TIMEOUT);
        String restore = label() + "-restore-all";
        try {
            KAFKA.configure(ConnectorConfigs.restore(restore, KAFKA.bootstrapServers(), storage));
            RestoreWatch.Completion completion = KAFKA.restores().awaitComplete(restore, originals.values(), TIMEOUT);
            List<String> differences = new ArrayList<>();
            for (TopicSnapshot original : originals.values()) {
                TopicSnapshot restored = TopicSnapshot.read(KAFKA.bootstrapServers(), original.topic(), TIMEOUT);
                differences.addAll(RecordComparison.compare(original, restored).differences());
                assertEquals(original.partitionCount(), KAFKA.topics().partitionCount(original.topic()),
                        "partition count of the recreated " + original.topic());
            }
            assertEquals(List.of(), differences, "restored records differ from the originals");

            TopicSnapshot transactional = TopicSnapshot.read(KAFKA.bootstrapServers(), topics.transactional(), TIMEOUT);
            assertEquals(0, values(transactional, SampleData.ABORTED_VALUE_PREFIX), "aborted records came back");
            assertEquals(60, values(transactional, SampleData.COMMITTED_VALUE_PREFIX), "committed records restored");
            assertEquals(RestoreWatch.Completion.SOURCE_OFFSETS, completion, "every restored partition's source "
                    + "offset should say complete=true; GET offsets: " + KAFKA.restores().sourceOffsets(restore));
        } finally {
            KAFKA.progress().deleteConnector(restore, TIMEOUT);
        }
    }

    @Test
    void restoresUnderNewNamesWithTopicMapping() throws Exception {
        String restore = label() + "-restore-renamed";
        String awkwardCopy = "copy-of-" + topics.awkward();
        String wideCopy = "copy-of-" + topics.wide();
        Map<String, String> config = ConnectorConfigs.restore(restore, KAFKA.bootstrapServers(), storage);
        config.put("restore.topics", topics.awkward() + "," + topics.wide());
        config.put("restore.topic.mapping", topics.awkward() + ":" + awkwardCopy + "," + topics.wide() + ":" + wideCopy);
        try {
            KAFKA.configure(config);
            List<TopicSnapshot> wanted = List.of(originals.get(topics.awkward()), originals.get(topics.wide()));
            KAFKA.restores().awaitComplete(restore, wanted,
                    Map.of(topics.awkward(), awkwardCopy, topics.wide(), wideCopy), TIMEOUT);
            RecordComparison awkward = RecordComparison.compare(originals.get(topics.awkward()),
                    TopicSnapshot.read(KAFKA.bootstrapServers(), awkwardCopy, TIMEOUT));
            RecordComparison wide = RecordComparison.compare(originals.get(topics.wide()),
                    TopicSnapshot.read(KAFKA.bootstrapServers(), wideCopy, TIMEOUT));
            assertTrue(awkward.matches(), awkward.toString());
            assertTrue(wide.matches(), wide.toString());
            assertEquals(SampleData.WIDE_PARTITIONS, KAFKA.topics().partitionCount(wideCopy),
                    "the renamed topic keeps the original partition count, empty partitions included");
            assertFalse(KAFKA.topics().names().contains("copy-of-" + topics.big()), "only restore.topics are restored");
            Map<String, Map<String, ?>> offsets = KAFKA.restores().sourceOffsets(restore);
            assertFalse(offsets.keySet().stream()
                    .anyMatch(p -> p.startsWith(topics.big()) || p.startsWith(topics.transactional())),
                    "the restore touched topics outside restore.topics: " + offsets);
        } finally {
            KAFKA.progress().deleteConnector(restore, TIMEOUT);
        }
    }

    @Test
    void operatorCommandsReadTheBackupSet() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> verify = new ArrayList<>(List.of("verify"));
        verify.addAll(cliStoreArgs());
        int code = Main.run(verify.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("0 problems: OK"), text);

        out.reset();
        List<String> list = new ArrayList<>(List.of("list"));
        list.addAll(cliStoreArgs());
        assertEquals(0, Main.run(list.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8)));
        String listing = out.toString(StandardCharsets.UTF_8);
        topics.all().forEach(topic -> assertTrue(listing.contains(topic), topic + " in:\n" + listing));
    }

    private static long values(TopicSnapshot snapshot, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        return snapshot.allRecords().stream().filter(r -> r.value() != null && startsWith(r.value(), p)).count();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
