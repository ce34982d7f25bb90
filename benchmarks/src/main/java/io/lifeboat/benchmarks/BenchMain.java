package io.lifeboat.benchmarks;


import io.lifeboat.cli.Args;
import io.lifeboat.harness.PluginPath;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./lifeboat bench [options]}: runs the {@link Benchmark}, prints its tables and writes its JSON
 * report. Exit codes: 0 done, 2 a usage error, 3 the benchmark failed.
 */
public final class BenchMain {

    /** System property naming the folder of the JSON report when {@code --json} is not given. */
    public static final String OUTPUT_PROPERTY = "lifeboat.bench.output";

    static final String USAGE = String.join("\n",
            "Usage: lifeboat bench [--records N] [--value-bytes B[,B...]] [--store filesystem[,s3]] [--tasks N]",
            "                      [--partitions P] [--compression C] [--default-producer] [--json PATH]",
            "",
            "Throughput and heap of a backup and a restore on an embedded Kafka and Connect, each next to a raw",
            "Kafka consumer / producer and to Connect's own ceiling (a do-nothing sink, a from-memory source) on",
            "the same worker doing the same work, in one process. Steady-state rates between 10% and 90% of the",
            "records, end-to-end times and peak heap per stage, one row per value size and store.",
            "",
            "  --records N          records per value size (default 300,000)",
            "  --value-bytes B,...  value sizes in bytes, each measured in turn (default 1024)",
            "  --store S,...        filesystem and/or s3 (S3Proxy in this JVM on loopback) (default filesystem)",
            "  --tasks N            tasks.max of the backup, the restore and both ceiling connectors, and as many",
            "                       raw producers / consumers, partitions dealt round-robin (default 2)",
            "  --partitions P       partitions of the benchmark topic (default 6)",
            "  --compression C      segment.compression of the backup (default zstd)",
            "  --default-producer   restore without the producer batch settings README recommends",
            "  --json PATH          the JSON report (default benchmarks/target/bench-<UTC time>.json)");

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark as {@code ./lifeboat bench <argv>} and returns its exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = Arrays.asList(argv);
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        BenchSettings settings;
        try {
            settings = settings(Args.parse(args, Set.of("records", "value-bytes", "store", "tasks", "partitions",
                    "compression", "json"), Set.of("default-producer")));
        } catch (Args.UsageException | IllegalArgumentException e) {
            err.println("lifeboat bench: " + e.getMessage());
            err.println();
            err.println(USAGE);
            return 2;
        }
        try {
            BenchReport report = new Benchmark(settings, PluginPath.locate(), out).run();
            report.print(out);
            report.writeJson(settings.json());
            out.println("JSON report: " + settings.json());
            return 0;
        } catch (Exception e) {
            err.println("lifeboat bench failed: " + e);
            return 3;
        }
    }

    static BenchSettings settings(Args args) {
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("bench takes no arguments, got " + args.positional());
        }
        List<Integer> sizes = new ArrayList<>();
        for (String size : list(args, "value-bytes", "1024")) {
            try {
                sizes.add(Integer.parseInt(size));
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--value-bytes must list numbers, got '" + size + "'");
            }
        }
        Map<String, String> overrides = args.flag("default-producer") ? Map.of() : BenchSettings.TUNED_RESTORE_PRODUCER;
        String compression = args.get("compression") == null ? "zstd" : args.get("compression");
        return new BenchSettings(args.number("records", 300_000), sizes, list(args, "store", "filesystem"),
                (int) args.number("tasks", 2), (int) args.number("partitions", 6), compression, overrides,
                json(args.get("json")));
    }

    private static List<String> list(Args args, String name, String fallback) {
        String value = args.get(name) == null ? fallback : args.get(name);
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    private static Path json(String given) {
        if (given != null) {
            return Path.of(given);
        }
        String folder = System.getProperty(OUTPUT_PROPERTY, "target");
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        return Path.of(folder, "bench-" + time + ".json");
    }
}
