package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Makes sure the records reach the cluster that the restore prepared. Topics are created and
 * checked through {@code target.cluster.bootstrap.servers}, but Connect's producer writes to the
 * worker's cluster unless {@code producer.override.bootstrap.servers} says otherwise; when they
 * differ, records would go to a cluster nobody checked (possibly appending to a live topic there).
 *
 * <p>So a task hands over a single record first, the probe, having read the end offset {@code e}
 * of its partition in the target cluster, and waits for its acknowledgement: once acknowledged,
 * the target partition ends after {@code e} if the record went there. If it does not, the records
 * went elsewhere and the task stops, having written that one record. After that check, batches
 * flow at full size.
 *
 * <p>Connect commits the probe's source offset once it is acknowledged, wherever it went, so the
 * probe carries a probe offset ({@link RestoreOffsets#probeOffset}) that the next task start
 * checks against the target cluster ({@link #targetEndOffsets}) before it trusts it.
 */
final class DestinationCheck implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final Supplier<Admin> targetAdmin;
    private final String targetServers;
    private final String connectorName;
    private Admin admin;
    private boolean firstHandedOver;
    private boolean verified;
    private volatile RecordMetadata firstAck;
    private long probeTargetEnd;
    private String clusterId;

    DestinationCheck(Supplier<Admin> targetAdmin, String targetServers, String connectorName) {
        this.targetAdmin = targetAdmin;
        this.targetServers = targetServers;
        this.connectorName = connectorName;
    }

    /**
     * How many records the task may hand over now: all it wants once the destination is verified,
     * one before the first record, none while that record's acknowledgement is awaited. Throws when
     * the acknowledgement came from another cluster than the target.
     */
    int allowance(int wanted) {
        if (verified) {
            return wanted;
        }
        if (!firstHandedOver) {
            return 1;
        }
        RecordMetadata ack = firstAck;
        if (ack == null) {
            return 0;
        }
        verify(ack);
        verified = true;
        return wanted;
    }

    /** Whether the next record handed over is the first, the probe. */
    boolean probes() {
        return !firstHandedOver;
    }

    /**
     * The records to hand over for {@code batch}: the batch itself once the first record was handed
     * over; before that (a batch of one), that record with a probe offset, the target partition's
     * end offset read first.
     *
     * @param resumedAfter the last restored offset of the record's partition before this task ran
     */
    List<SourceRecord> handOver(List<SourceRecord> batch, long resumedAfter) {
        if (firstHandedOver || batch.isEmpty()) {
            return batch;
        }
        SourceRecord first = batch.get(0);
        TopicPartition target = new TopicPartition(first.topic(), first.kafkaPartition());
        probeTargetEnd = targetEndOffsets(List.of(target)).get(target);
        RestoreOffsets.Probe marker = new RestoreOffsets.Probe(targetClusterId(), probeTargetEnd, resumedAfter);
        SourceRecord probe = new SourceRecord(first.sourcePartition(),
                RestoreOffsets.probeOffset(first.sourceOffset(), marker), first.topic(),
                first.kafkaPartition(), first.keySchema(), first.key(), first.valueSchema(), first.value(),
                first.timestamp(), first.headers());
        firstHandedOver = true;
        List<SourceRecord> handed = new ArrayList<>(batch.size());
        handed.add(probe);
        handed.addAll(batch.subList(1, batch.size()));
        return handed;
    }

    /** The target cluster's id. */
    String targetClusterId() {
        if (clusterId == null) {
            clusterId = clusterId(admin(), targetServers);
        }
        return clusterId;
    }

    /** The id of the target cluster that {@code admin} talks to, {@code servers} for messages. */
    static String clusterId(Admin admin, String servers) {
        try {
            return admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("Cannot read the cluster id of the target cluster " + servers + " ("
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while reading the target cluster's id", e);
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = targetAdmin.get();
        }
        return admin;
    }

    /** End offsets of target partitions in the target cluster. */
    Map<TopicPartition, Long> targetEndOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin().listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("Cannot read the end offsets of " + partitions + " in the target cluster "
                    + targetServers + " (" + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while reading end offsets in the target cluster", e);
        }
    }

    /** Connect's producer acknowledged a record (called on the producer's thread). */
    void acknowledged(RecordMetadata metadata) {
        if (firstAck == null) {
            firstAck = metadata;
        }
    }

    private void verify(RecordMetadata ack) {
        TopicPartition tp = new TopicPartition(ack.topic(), ack.partition());
        long endOffset = targetEndOffsets(List.of(tp)).get(tp);
        if (endOffset <= probeTargetEnd) {
            throw new ConnectException("The restore's records go to another cluster than "
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + " (" + targetServers + "): the first record "
                    + "was acknowledged at offset " + ack.offset() + " of " + tp + ", but that partition still ends "
                    + "at offset " + endOffset + " there. Connect writes to the worker's Kafka cluster unless "
                    + "producer.override.bootstrap.servers (and its security settings under producer.override.) "
                    + "names the target cluster. To go on, set it in this connector's config (PUT /connectors/"
                    + connectorName + "/config): the restore then resumes with that record, which is not counted "
                    + "as restored because the target cluster does not hold it. Or point "
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + " at the worker's cluster (a topic there that "
                    + "holds records is refused: map to a new one with restore.topic.mapping). (A connector under a "
                    + "new name restores from the beginning.) That one record was written to " + tp + " of the "
                    + "other cluster, at offset " + ack.offset() + "; nothing more.");
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
