package io.lifeboat.cli;

import io.lifeboat.core.layout.PartitionChain;
import io.lifeboat.core.segment.SegmentFetcher;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Verifies restored partitions against the backup set, up to {@code parallel} partitions at a time,
 * each with a reader of its own ({@link RestoredPartitionReader}: one consumer, one segment at a time);
 * the results come back in the order of the jobs.
 */
final class RestoredTopicsVerifier {

    /**
     * One restored partition to verify.
     *
     * @param durableAtStart the backup's committed offset of {@code source} when the drill started
     * @param groups         the repositioned groups' committed offsets on {@code source}, by group
     */
    record Job(TopicPartition source, TopicPartition target, PartitionChain chain, long durableAtStart,
               Map<String, Long> groups) {
    }

    private final Map<String, Object> clientConfig;
    private final SegmentFetcher fetcher;
    private final Duration timeout;
    private final int parallel;

    RestoredTopicsVerifier(Map<String, Object> clientConfig, SegmentFetcher fetcher, Duration timeout, int parallel) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.fetcher = fetcher;
        this.timeout = timeout;
        this.parallel = parallel;
    }

    /** The results, in the order of {@code jobs}; the first failure (a corrupt segment, a timeout) is thrown. */
    List<RestoredPartitionCheck.Result> verify(List<Job> jobs) throws IOException {
        int readers = Math.max(1, Math.min(parallel, jobs.size()));
        BlockingQueue<RestoredPartitionReader> idle = new ArrayBlockingQueue<>(readers);
        List<RestoredPartitionReader> all = new ArrayList<>(readers);
        ExecutorService pool = Executors.newFixedThreadPool(readers, r -> {
            Thread thread = new Thread(r, "lifeboat-drill-verify");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int i = 0; i < readers; i++) {
                RestoredPartitionReader reader = new RestoredPartitionReader(clientConfig, fetcher, timeout);
                all.add(reader);
                idle.add(reader);
            }
            List<Future<RestoredPartitionCheck.Result>> results = new ArrayList<>();
            for (Job job : jobs) {
                results.add(pool.submit(() -> {
                    RestoredPartitionReader reader = idle.take();
                    try {
                        return reader.verify(job.chain(), job.target(), new RestoredPartitionCheck(job.source(),
                                job.target(), job.durableAtStart(), job.groups(), RecordComparison.MAX_DIFFERENCES));
                    } finally {
                        idle.offer(reader); // never blocks (room for every reader), nor fails on an interrupt
                    }
                }));
            }
            List<RestoredPartitionCheck.Result> done = new ArrayList<>();
            for (Future<RestoredPartitionCheck.Result> result : results) {
                done.add(get(result));
            }
            return done;
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS); // the others stop at their next read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (RestoredPartitionReader reader : all) { // every one, also those a failed job held
                try {
                    reader.close();
                } catch (RuntimeException e) {
                    // one still in use after the wait (its consumer refuses a close from another thread)
                }
            }
        }
    }

    private static RestoredPartitionCheck.Result get(Future<RestoredPartitionCheck.Result> result) throws IOException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while verifying the restored topics");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }
}
