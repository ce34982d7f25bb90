package io.lifeboat.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.cli.ConnectorConfigs;
import io.lifeboat.cli.Main;
import io.lifeboat.core.config.StorageConfig;
import io.lifeboat.core.layout.BackupLayout;
import io.lifeboat.core.metadata.MetadataSnapshots;
import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.S3ProxyServer;
import io.lifeboat.core.storage.StoredObject;
import io.lifeboat.harness.Await;
import io.lifeboat.harness.SampleData;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lifeboat drill --connect URL --bootstrap SERVERS} against a Connect cluster reached only
 * through its REST URL and a bootstrap address (in-process, but the drill is handed nothing else):
 * the RPO it measures of a backup held deliberately behind, a restore into drill-named topics verified
 * byte for byte against the backup set, consumer groups repositioned under the drill's name and
 * checked, the report's files (its HTML opened in headless Chromium, where the chart must be drawn), a
 * corrupt segment that fails the drill naming the object, and a cleanup that leaves nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDrillIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String ORDERS = "drilled.orders";
    private static final int PARTITIONS = 3;
    private static final int DURABLE = 200;
    private static final int HELD_BACK = 30;
    private static final long AGE_OF_DURABLE_MS = 120_000;

    @RegisterExtension
    static final EmbeddedConnectExtension KAFKA = new EmbeddedConnectExtension();

    @TempDir
    static Path storeRoot;

    @TempDir
    static Path reports;

    private record Run(int code, String out, String err) {
    }

    private static Run drill(String... more) {
        List<String> argv = new ArrayList<>(List.of("drill", "--connect", KAFKA.connect().restUrl(),
                "--bootstrap", KAFKA.bootstrapServers()));
        argv.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(run.out() + run.err());
        return run;
    }

    @Test
    @Order(1)
    void measuresTheRpoOfABackupHeldBehindAndRestoresVerifiesAndRemovesEverything() throws Exception {
        // A retention by size, as production topics have: a restore refuses to create a topic that could
        // drop restored records, so the drill must give its topics none (they are deleted afterwards anyway).
        KAFKA.connect().admin().createTopics(List.of(new NewTopic(ORDERS, PARTITIONS, (short) 1)
                        .configs(Map.of("retention.bytes", String.valueOf(1L << 30))))).all()
                .get(30, TimeUnit.SECONDS);
        SampleData.awaitLeaders(KAFKA.connect().admin(), List.of(ORDERS));
        long durableTimestamp = System.currentTimeMillis() - AGE_OF_DURABLE_MS;
        produce(0, DURABLE, durableTimestamp);
        // A consumer group of the application, committed on two partitions (none on the third).
        KAFKA.connect().admin().alterConsumerGroupOffsets("billing", Map.of(
                new TopicPartition(ORDERS, 0), new OffsetAndMetadata(50),
                new TopicPartition(ORDERS, 1), new OffsetAndMetadata(120))).all().get(30, TimeUnit.SECONDS);

        // Segments close every 100 records, never by age: the last records written stay in an open segment.
        Map<String, String> backup = ConnectorConfigs.backup("orders-backup", List.of(ORDERS),
                ConnectorConfigs.filesystemStorage(storeRoot, "orders"));
        backup.put("segment.max.records", "100");
        backup.put("segment.max.age.ms", "3600000");
        backup.put("source.cluster.bootstrap.servers", KAFKA.bootstrapServers());
        backup.put("metadata.interval.ms", "1000");
        KAFKA.configure(backup);
        Map<TopicPartition, Long> durable = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            durable.put(new TopicPartition(ORDERS, p), (long) DURABLE);
        }
        KAFKA.progress().awaitCommitted("orders-backup", durable, TIMEOUT);
        try (FilesystemObjectStore store = new FilesystemObjectStore(storeRoot)) {
            Await.condition("a metadata snapshot with group billing", TIMEOUT, () -> {
                var found = MetadataSnapshots.forTopics(store, new BackupLayout("orders/"), List.of(ORDERS),
                        OptionalLong.empty()).get(ORDERS);
                return found != null && found.snapshot().groups().containsKey("billing");
            }, () -> "none yet");
        }
        produce(DURABLE, HELD_BACK, System.currentTimeMillis()); // held back: not durable while the drill runs
        Map<TopicPartition, Long> liveEnds = ends(ORDERS);

        long before = System.currentTimeMillis();
        Path reportDir = reports.resolve("held-back");
        Run run = drill("--report", reportDir.toString());
        long after = System.currentTimeMillis();
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("VERIFIED: all " + PARTITIONS * DURABLE + " restored records"), run.out());

        JsonNode report = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
        assertTrue(report.path("verified").asBoolean(), report.toString());
        assertEquals(PARTITIONS * DURABLE, report.path("records").asLong(), report.toString());
        assertTrue(report.path("rto_ms").asLong() > 0, report.toString());
        assertEquals("orders-backup", report.path("backup_connector").asText());
        assertEquals(PARTITIONS, report.path("partitions").size(), report.toString());
        for (JsonNode partition : report.path("partitions")) {
            assertEquals(HELD_BACK, partition.path("rpo_records").asLong(), partition.toString());
            long rpo = partition.path("rpo_ms").asLong();
            assertTrue(rpo >= before - durableTimestamp && rpo <= after - durableTimestamp,
                    "rpo_ms " + rpo + " is not the age of the newest durable record: " + partition);
            assertEquals(DURABLE, partition.path("durable_offset").asLong(), partition.toString());
            assertEquals(DURABLE, partition.path("records_restored").asLong(), partition.toString());
            assertEquals(DURABLE, partition.path("records_verified").asLong(), partition.toString());
            assertTrue(partition.path("target_topic").asText().matches("lifeboat-drill-\\d{8}-\\d{6}-[0-9a-f]{4}\\." + ORDERS),
                    partition.toString());
        }
        Map<String, Long> billing = new HashMap<>();
        for (JsonNode group : report.path("consumer_groups")) {
            assertTrue(group.path("matches").asBoolean(), group.toString());
            if (group.path("group").asText().equals("billing")) {
                assertTrue(group.path("target_group").asText().matches("lifeboat-drill-\\d{8}-\\d{6}-[0-9a-f]{4}\\.billing"),
                        group.toString());
                billing.put(group.path("target_topic").asText().replaceAll(".*\\.", "") + "-"
                        + group.path("partition").asInt(), group.path("committed_offset").asLong());
            }
        }
        assertEquals(Map.of("orders-0", 50L, "orders-1", 120L), billing, report.toString());
        assertTrue(report.path("progress").size() >= 2, report.toString());
        assertTrue(report.path("cleanup").path("complete").asBoolean(), report.toString());
        assertTrue(Files.readString(reportDir.resolve("report.md")).contains("**VERIFIED**"));

        assertNothingLeft();
        assertEquals(liveEnds, ends(ORDERS), "the drill must not touch the original topic");
        assertEquals("RUNNING", KAFKA.connect().cluster().connectorStatus("orders-backup").connector().state());
        assertTheHtmlReportDrawsItsCharts(reportDir.resolve("report.html"));
    }

    @Test
    @Order(2)
    void aCorruptSegmentFailsTheDrillNamingTheObjectAndTheCleanupStillLeavesNothing() throws Exception {
        KAFKA.writeRecords("drilled.payments", 1, 100, 200);
        Map<String, String> backup = ConnectorConfigs.backup("payments-backup", List.of("drilled.payments"),
                ConnectorConfigs.filesystemStorage(storeRoot, "payments"));
        backup.put("segment.max.records", "50");
        KAFKA.configure(backup);
        KAFKA.progress().awaitCommitted("payments-backup", Map.of(new TopicPartition("drilled.payments", 0), 100L),
                TIMEOUT);
        String damaged;
        try (FilesystemObjectStore store = new FilesystemObjectStore(storeRoot)) {
            damaged = store.list("payments/segments/").stream().map(StoredObject::key).sorted().findFirst().orElseThrow();
        }
        SegmentDamage.flipByteInData(storeRoot.resolve(damaged), damaged);

        Path reportDir = reports.resolve("corrupt");
        Run run = drill("--backup", "payments-backup", "--report", reportDir.toString());
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("FAILED"), run.out());
        assertTrue(run.out().contains(damaged), "the drill's report must name the damaged object " + damaged + ":\n"
                + run.out());
        JsonNode report = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
        assertFalse(report.path("verified").asBoolean(), report.toString());
        assertTrue(report.path("failure").asText().contains(damaged), report.toString());
        assertTrue(report.path("cleanup").path("complete").asBoolean(), report.toString());
        assertNothingLeft();
    }

    @Test
    @Order(3)
    void aBackupInS3IsDrilledWithTheConnectorsStoreSettingsOrTheStoreSettingsFromAFile() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer().start()) {
            s3.createBucket("drill-backups");
            KAFKA.writeRecords("drilled.s3", 2, 60, 300);
            Map<String, String> storage = new HashMap<>(s3.storageProps("drill-backups"));
            storage.put(StorageConfig.PREFIX, "s3set");
            Map<String, String> backup = ConnectorConfigs.backup("s3-backup", List.of("drilled.s3"), storage);
            backup.put("segment.max.records", "20");
            KAFKA.configure(backup);
            try {
                KAFKA.progress().awaitCommitted("s3-backup", Map.of(new TopicPartition("drilled.s3", 0), 30L,
                        new TopicPartition("drilled.s3", 1), 30L), TIMEOUT);
                // the connector's own store settings, as the REST API shows them (Connect shows a password in a
                // connector's config; only a config provider's reference would make the drill ask for --store-config)
                Run own = drill("--backup", "s3-backup");
                assertEquals(0, own.code(), own.out() + own.err());
                assertTrue(own.out().contains("VERIFIED: all 60 restored records"), own.out());
                assertFalse((own.out() + own.err()).contains(s3.secretKey()), "the secret is never printed");

                Path settings = reports.resolve("s3-store.properties");
                StringBuilder props = new StringBuilder();
                storage.forEach((key, value) -> props.append(key).append('=').append(value).append('\n'));
                Files.writeString(settings, props);
                Run run = drill("--backup", "s3-backup", "--store-config", settings.toString(), "--json");
                assertEquals(0, run.code(), run.out() + run.err());
                JsonNode report = new ObjectMapper().readTree(run.out());
                assertTrue(report.path("verified").asBoolean(), report.toString());
                assertEquals(60, report.path("records").asLong(), report.toString());
                assertTrue(report.path("store").asText().startsWith("s3://drill-backups"), report.toString());
                assertFalse(run.out().contains(s3.secretKey()) || run.err().contains(s3.secretKey()),
                        "the secret is never printed");
                assertNothingLeft();
            } finally {
                KAFKA.progress().deleteConnector("s3-backup", TIMEOUT);
            }
        }
    }

    @Test
    @Order(4)
    void aBackupOrTopicThatIsNotThereIsAUsageErrorNamingIt() {
        Run several = drill();
        assertEquals(2, several.code(), several.out() + several.err());
        assertTrue(several.err().contains("name one with --backup"), several.err());
        Run unknown = drill("--backup", "orders-backup", "--topics", "nope");
        assertEquals(2, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("--topics [nope]: not backed up by orders-backup"), unknown.err());
    }

    private static void produce(int from, int perPartition, long timestamp) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = from; i < from + perPartition; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    // nulls, empties, tombstones and duplicate headers among ordinary records
                    byte[] key = i % 10 == 0 ? null : ("key-" + p + "-" + i).getBytes(StandardCharsets.UTF_8);
                    byte[] value = i % 7 == 0 ? null : i % 11 == 0 ? new byte[0]
                            : ("value " + i + " of " + p).getBytes(StandardCharsets.UTF_8);
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(ORDERS, p, timestamp, key, value);
                    if (i % 3 == 0) {
                        record.headers().add(new RecordHeader("dup", "first".getBytes(StandardCharsets.UTF_8)));
                        record.headers().add(new RecordHeader("dup", null));
                    }
                    producer.send(record);
                }
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, Long> ends(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        KAFKA.connect().admin().listOffsets(request).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** No connector, topic or consumer group of a drill is left on the clusters. */
    private static void assertNothingLeft() throws Exception {
        var admin = KAFKA.connect().admin();
        List<String> left = new ArrayList<>();
        admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> t.startsWith("lifeboat-drill-"))
                .forEach(left::add);
        for (GroupListing group : admin.listGroups().all().get(30, TimeUnit.SECONDS)) {
            if (group.groupId().startsWith("lifeboat-drill-")) {
                left.add("group " + group.groupId());
            }
        }
        KAFKA.connect().cluster().connectors().stream().filter(c -> c.startsWith("lifeboat-drill-"))
                .forEach(c -> left.add("connector " + c));
        assertEquals(List.of(), left, "the drill left these behind");
    }

    /**
     * Opens the report in headless Chromium and looks at the screenshot: the progress line and the RPO
     * bars must be drawn in their colours (a page whose SVG did not render shows neither).
     */
    private static void assertTheHtmlReportDrawsItsCharts(Path html) throws Exception {
        String page = Files.readString(html);
        assertFalse(page.contains("http://") && page.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "the report must not fetch anything");
        HeadlessChromium chromium = HeadlessChromium.findOrInstall();
        BufferedImage shot = ImageIO.read(chromium.screenshot(html, 1000, 1400, html.resolveSibling("report.png"))
                .toFile());
        int progress = pixelsOf(shot, 0x1f6fb4);
        int rpo = pixelsOf(shot, 0xd9480f);
        assertTrue(progress > 300, "the progress chart's line is not drawn (" + progress + " pixels of its colour)");
        assertTrue(rpo > 300, "the RPO bars are not drawn (" + rpo + " pixels of their colour)");
    }

    private static int pixelsOf(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= 12
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= 12
                        && Math.abs((p & 0xff) - (rgb & 0xff)) <= 12) {
                    count++;
                }
            }
        }
        return count;
    }
}
