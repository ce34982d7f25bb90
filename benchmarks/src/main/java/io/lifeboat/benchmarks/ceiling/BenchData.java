package io.lifeboat.benchmarks.ceiling;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The benchmark's data set, the same wherever it is made: record {@code i} goes to partition
 * {@code i % partitions}, with key {@code key-<i>} and a text-like value (a small vocabulary, so it
 * compresses as real payloads do) taken from a pool built once, so making a record costs no more
 * than a from-memory source should.
 */
public final class BenchData {

    /** Bytes of every key ({@code key-} and ten digits). */
    public static final int KEY_BYTES = 14;

    private static final int POOL = 1_024;
    private static final String[] WORDS = {"order", "payment", "customer", "shipped", "pending", "amount",
            "currency", "EUR", "warehouse", "status", "2026-11-26T10:00:00Z", "id", "sku", "quantity", "discount", "null"};

    private final int partitions;
    private final byte[][] values;

    public BenchData(int partitions, int valueBytes) {
        this.partitions = partitions;
        this.values = new byte[POOL][];
        Random random = new Random(7);
        for (int v = 0; v < POOL; v++) {
            StringBuilder value = new StringBuilder(valueBytes + 32);
            while (value.length() < valueBytes) {
                value.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(1000)).append(' ');
            }
            value.setLength(valueBytes);
            values[v] = value.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    public int partitionOf(long i) {
        return (int) (i % partitions);
    }

    /**
     * {@code key-} and {@code i} in ten digits, zero-padded ({@code i} below 10^10), built without
     * {@link String#format} (which would cost a small-record source more than the worker does).
     */
    public byte[] key(long i) {
        byte[] key = new byte[KEY_BYTES];
        key[0] = 'k';
        key[1] = 'e';
        key[2] = 'y';
        key[3] = '-';
        long rest = i;
        for (int d = KEY_BYTES - 1; d >= 4; d--) {
            key[d] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return key;
    }

    /** Shared, never to be modified. */
    public byte[] value(long i) {
        return values[(int) ((i * 31 + i / POOL) % POOL)];
    }
}
