package io.lifeboat.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Samples a restore's progress from outside: every {@value #INTERVAL_MS} ms, the sum of the target
 * partitions' end offsets, through the Kafka admin API. The samples draw the report's chart and give
 * the RTO: the time from the restore's submission to the first sample that saw every record.
 */
final class RestoreSampler implements AutoCloseable {

    static final long INTERVAL_MS = 250;

    /** Records in the target partitions, {@code elapsedMillis} after the restore was submitted. */
    record Sample(long elapsedMillis, long records) {
    }

    private final Admin admin;
    private final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    private final long startNanos;
    private final List<Sample> samples = new ArrayList<>();
    private final LongConsumer onSample;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "lifeboat-drill-sampler");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Starts sampling now.
     *
     * @param startNanos the restore's submission ({@link System#nanoTime()})
     * @param onSample   told each sample's record count (for a progress line)
     */
    RestoreSampler(Admin admin, Collection<TopicPartition> targets, long startNanos, LongConsumer onSample) {
        this.admin = admin;
        this.startNanos = startNanos;
        this.onSample = onSample;
        targets.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        add(0, 0);
        timer.scheduleWithFixedDelay(this::sample, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        long records;
        try {
            records = admin.listOffsets(request, new ListOffsetsOptions().timeoutMs((int) (4 * INTERVAL_MS))).all()
                    .get(8 * INTERVAL_MS, TimeUnit.MILLISECONDS).values().stream().mapToLong(i -> Math.max(0, i.offset()))
                    .sum();
        } catch (Exception e) {
            return; // the topics are not created yet, or the broker is slow: the next sample tells
        }
        add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), records);
        onSample.accept(records);
    }

    private synchronized void add(long elapsed, long records) {
        samples.add(new Sample(elapsed, records));
    }

    /** Stops sampling, takes one last sample, and returns them all in time order. */
    List<Sample> finish() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        sample();
        synchronized (this) {
            return List.copyOf(samples);
        }
    }

    /**
     * The RTO the samples give: the time of the first sample that saw as many records as the last one
     * (taken once the restore was complete); -1 without samples of any record.
     */
    static long rto(List<Sample> samples) {
        long total = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).records();
        if (total == 0) {
            return -1;
        }
        return samples.stream().filter(s -> s.records() >= total).mapToLong(Sample::elapsedMillis).findFirst().orElse(-1);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
