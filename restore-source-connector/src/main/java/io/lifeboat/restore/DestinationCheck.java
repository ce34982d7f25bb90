package io.lifeboat.restore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

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
 * <p>So a task hands over a single record first and waits for its acknowledgement: the cluster
 * that acknowledged offset {@code o} of a partition holds at least {@code o + 1} records there. If
 * the target cluster holds fewer, the records went elsewhere and the task stops, having written
 * that one record. After that check, batches flow at full size.
 */
final class DestinationCheck implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final Supplier<Admin> targetAdmin;
    private final String targetServers;
    private Admin admin;
    private boolean firstHandedOver;
    private boolean verified;
    private volatile RecordMetadata firstAck;

    DestinationCheck(Supplier<Admin> targetAdmin, String targetServers) {
        this.targetAdmin = targetAdmin;
        this.targetServers = targetServers;
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

    /** The task handed over records (the first one, while unverified). */
    void handedOver() {
        firstHandedOver = true;
    }

    /** Connect's producer acknowledged a record (called on the producer's thread). */
    void acknowledged(RecordMetadata metadata) {
        if (firstAck == null) {
            firstAck = metadata;
        }
    }

    private void verify(RecordMetadata ack) {
        TopicPartition tp = new TopicPartition(ack.topic(), ack.partition());
        long endOffset;
        try {
            if (admin == null) {
                admin = targetAdmin.get();
            }
            endOffset = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("Cannot check that the restored records reach " + targetServers + " ("
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while checking the restore's destination", e);
        }
        if (endOffset <= ack.offset()) {
            throw new ConnectException("The restore's records go to another cluster than "
                    + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS + " (" + targetServers + "): a record was "
                    + "acknowledged at offset " + ack.offset() + " of " + tp + ", but that partition holds only "
                    + endOffset + " records there. Connect writes to the worker's Kafka cluster unless "
                    + "producer.override.bootstrap.servers (and its security settings under producer.override.) "
                    + "names the target cluster; set it, or point " + RestoreSourceConfig.TARGET_BOOTSTRAP_SERVERS
                    + " at the worker's cluster. One record was written to " + tp + " of the worker's cluster; "
                    + "nothing more.");
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
