package io.lifeboat.benchmarks;

import io.lifeboat.cli.LifeboatCommand;
import io.lifeboat.harness.PluginPath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./lifeboat bench [options]}: runs the {@link Benchmark}, prints its tables and writes its JSON
 * report. Exit codes: 0 done, 2 a usage error, 3 the benchmark failed.
 */
@Command(name = "lifeboat bench", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = {"Throughput, CPU and heap of a backup and a restore on an embedded Kafka and Connect, each "
                + "next to a raw Kafka consumer / producer and to Connect's own ceiling (a do-nothing sink, a "
                + "from-memory source) on the same worker doing the same work, in one process.",
                "Steady-state rates between 10%% and 90%% of the records, the process's CPU per MB in that window, "
                        + "end-to-end times and peak heap per stage, one row per value size and store."},
        footerHeading = "%nExit codes:%n", footer = {"  0  done", "  2  usage error", "  3  the benchmark failed"})
public final class BenchMain implements Callable<Integer> {

    /** System property naming the folder of the JSON report when {@code --json} is not given. */
    public static final String OUTPUT_PROPERTY = "lifeboat.bench.output";

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--records", paramLabel = "N", description = "records per value size (default: ${DEFAULT-VALUE})")
    long records = 300_000;

    @Option(names = "--value-bytes", paramLabel = "B", split = ",", description = "value sizes in bytes, each "
            + "measured in turn (default: 1024)")
    List<Integer> valueBytes = List.of(1024);

    @Option(names = "--store", paramLabel = "S", split = ",", description = "filesystem and/or s3 (S3Proxy in this "
            + "JVM on loopback) (default: filesystem)")
    List<String> stores = List.of("filesystem");

    @Option(names = "--tasks", paramLabel = "N", description = "tasks.max of the backup, the restore and both "
            + "ceiling connectors, and as many raw producers / consumers, partitions dealt round-robin "
            + "(default: ${DEFAULT-VALUE})")
    int tasks = 2;

    @Option(names = "--partitions", paramLabel = "P", description = "partitions of the benchmark topic "
            + "(default: ${DEFAULT-VALUE})")
    int partitions = 6;

    @Option(names = "--compression", paramLabel = "C", description = "segment.compression of the backup "
            + "(default: ${DEFAULT-VALUE})")
    String compression = "zstd";

    @Option(names = "--default-producer", description = "restore without the producer batch settings README "
            + "recommends")
    boolean defaultProducer;

    @Option(names = "--json", paramLabel = "PATH", description = "the JSON report (default: "
            + "benchmarks/target/bench-<UTC time>.json)")
    Path json;

    private BenchMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark as {@code ./lifeboat bench <argv>} and returns its exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new BenchMain(out));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("lifeboat bench failed: " + e);
            return 3;
        });
        return cli.execute(argv);
    }

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            Map<String, String> overrides = defaultProducer ? Map.of() : BenchSettings.TUNED_RESTORE_PRODUCER;
            settings = new BenchSettings(records, valueBytes, stores, tasks, partitions, compression, overrides,
                    json == null ? defaultJson() : json);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        BenchReport report = new Benchmark(settings, PluginPath.locate(), out).run();
        report.print(out);
        report.writeJson(settings.json());
        out.println("JSON report: " + settings.json());
        return 0;
    }

    private static Path defaultJson() {
        String folder = System.getProperty(OUTPUT_PROPERTY, "target");
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        return Path.of(folder, "bench-" + time + ".json");
    }
}
