package io.lifeboat.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of a run, one row per value size and store: a table for the terminal and a JSON file.
 * Throughput figures are steady state (between 10% and 90% of the records, {@link SteadyRate}); the
 * end-to-end time and the peak heap (sampled, {@link ProgressSampler}) come with them.
 */
public final class BenchReport {

    /** A ratio of the report: a Lifeboat stage's steady rate over the rate it is held against. */
    public record Ratio(String name, Stage stage, Stage against) {
    }

    public static final List<Ratio> RATIOS = List.of(
            new Ratio("backup/sink", Stage.BACKUP, Stage.NULL_SINK),
            new Ratio("restore/source", Stage.RESTORE, Stage.MEMORY_SOURCE),
            new Ratio("backup/raw consumer", Stage.BACKUP, Stage.RAW_CONSUMER),
            new Ratio("restore/raw producer", Stage.RESTORE, Stage.RAW_PRODUCER));

    /** One value size against one store. */
    public record Row(int valueBytes, String store, Map<Stage, StageResult> stages, long storedBytes) {

        /**
         * What a Lifeboat stage costs the process per MB beyond the Connect ceiling it is held against (the
         * broker's and the worker's share are the same in both): Lifeboat's own CPU; NaN when not resolved.
         */
        public double ownCpuMillisPerMegabyte(Stage stage) {
            Stage against = RATIOS.stream().filter(r -> r.stage() == stage).findFirst().orElseThrow().against();
            return stages.get(stage).steadyCpuMillisPerMegabyte() - stages.get(against).steadyCpuMillisPerMegabyte();
        }

        public double ratio(Ratio ratio) {
            return stages.get(ratio.stage()).steadyRecordsPerSecond()
                    / stages.get(ratio.against()).steadyRecordsPerSecond();
        }
    }

    private static final String HEAP = "heap in use, sampled every " + ProgressSampler.INTERVAL_MS + " ms during the "
            + "stage (MemoryMXBean), after a System.gc() before it; the whole JVM: broker, worker and benchmark";

    private static final String CPU = "CPU time of this process between 10% and 90% of the records over the MB "
            + "done meanwhile; broker, worker, store and benchmark included: a stage's cost over Connect's ceiling is "
            + "what Lifeboat adds";

    private final BenchSettings settings;
    private final Instant started = Instant.now();
    private final List<Row> rows = new ArrayList<>();

    public BenchReport(BenchSettings settings) {
        this.settings = settings;
    }

    public void add(int valueBytes, String store, Map<Stage, StageResult> stages, long storedBytes) {
        rows.add(new Row(valueBytes, store, Map.copyOf(stages), storedBytes));
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Prints the tables: steady MB/s with the ratios, steady records/s, end to end seconds, peak heap. */
    public void print(PrintStream out) {
        out.println();
        out.printf("Lifeboat benchmark: %,d records per value size, %d partitions, tasks.max %d (and as many raw "
                + "clients), %s segments, all on this machine%n", settings.records(), settings.partitions(),
                settings.tasks(), settings.compression());
        if (!settings.restoreProducerOverrides().isEmpty()) {
            out.println("restore and from-memory source producer settings: " + settings.restoreProducerOverrides());
        }
        out.println();
        out.println("Steady state, MB/s (key and value bytes) between 10% and 90% of the records; ratios of these rates");
        StringBuilder heading = new StringBuilder(String.format("%-8s %-10s", "value", "store"));
        for (Stage stage : Stage.values()) {
            heading.append(String.format(" %9s", stage.column()));
        }
        out.println(heading + "   backup/sink restore/source backup/rawcons restore/rawprod");
        boolean coarse = false;
        for (Row row : rows) {
            StringBuilder line = new StringBuilder(label(row));
            for (Stage stage : Stage.values()) {
                StageResult result = row.stages().get(stage);
                coarse |= result.coarse();
                line.append(String.format(" %9s", (result.coarse() ? "~" : "") + fixed(result.steadyMegabytesPerSecond(), 1)));
            }
            line.append(String.format("   %11s %14s %14s %15s", fixed(row.ratio(RATIOS.get(0)), 2),
                    fixed(row.ratio(RATIOS.get(1)), 2), fixed(row.ratio(RATIOS.get(2)), 2),
                    fixed(row.ratio(RATIOS.get(3)), 2)));
            out.println(line);
        }
        table(out, "Steady state, records/s", r -> fixed(r.steadyRecordsPerSecond(), 0));
        table(out, "End to end, seconds (start to the last record committed / written)", r -> fixed(r.seconds(), 1));
        table(out, "Peak heap, MB (" + HEAP + ")", r -> fixed(r.peakHeap() / 1e6, 0));
        table(out, "CPU per MB in the steady state, ms (" + CPU + ")", r -> fixed(r.steadyCpuMillisPerMegabyte(), 2));
        table(out, "Cores busy in the steady state, of " + Runtime.getRuntime().availableProcessors()
                + " (the same CPU time over the window's length)", r -> fixed(r.steadyCoresBusy(), 2));
        out.println();
        for (Row row : rows) {
            double payload = settings.records() * (double) (row.stages().get(Stage.BACKUP).recordBytes());
            out.printf("stored (%s, %s): %,d bytes, %.2f of the key and value bytes%n", size(row.valueBytes()),
                    row.store(), row.storedBytes(), row.storedBytes() / payload);
        }
        for (Row row : rows) {
            out.printf("Lifeboat's own CPU (%s, %s): backup %s over the do-nothing sink, restore %s over the "
                    + "from-memory source%n", size(row.valueBytes()), row.store(),
                    ownCpu(row.ownCpuMillisPerMegabyte(Stage.BACKUP), "backed up"),
                    ownCpu(row.ownCpuMillisPerMegabyte(Stage.RESTORE), "restored"));
        }
        if (coarse) {
            out.printf("~: fewer than %d progress points between 10%% and 90%% (a sink's committed offsets move once "
                    + "per offset commit, every %d ms here); more --records resolve it%n", SteadyRate.RESOLVED_POINTS,
                    Benchmark.OFFSET_FLUSH_INTERVAL_MS);
        }
        out.println("raw producer, raw consumer, do-nothing sink and from-memory source are measured once per value "
                + "size and shown in each of its stores' rows. End to end includes start-up, the first and last "
                + "offset commit, the backup's segment.max.age.ms (1 s) and the restore's topic creation.");
        out.flush();
    }

    private interface Cell {
        String of(StageResult result);
    }

    private void table(PrintStream out, String title, Cell cell) {
        out.println();
        out.println(title);
        StringBuilder heading = new StringBuilder(String.format("%-8s %-10s", "value", "store"));
        for (Stage stage : Stage.values()) {
            heading.append(String.format(" %9s", stage.column()));
        }
        out.println(heading);
        for (Row row : rows) {
            StringBuilder line = new StringBuilder(label(row));
            for (Stage stage : Stage.values()) {
                line.append(String.format(" %9s", cell.of(row.stages().get(stage))));
            }
            out.println(line);
        }
    }

    /** Lifeboat's own CPU per MB and what one core keeps up with; a figure at or below zero is the run's noise. */
    private static String ownCpu(double millisPerMegabyte, String done) {
        if (!Double.isFinite(millisPerMegabyte)) {
            return "n/a";
        }
        if (millisPerMegabyte <= 0) {
            return fixed(millisPerMegabyte, 2) + " ms/MB (no more than the ceiling's: within this run's noise)";
        }
        return fixed(millisPerMegabyte, 2) + " ms/MB (a core for every " + fixed(1000 / millisPerMegabyte, 0)
                + " MB/s " + done + ")";
    }

    private static String label(Row row) {
        return String.format("%-8s %-10s", size(row.valueBytes()), row.store());
    }

    private static String size(int bytes) {
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }

    private static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format("%." + decimals + "f", value) : "n/a";
    }

    /** Writes the JSON report to {@code path} (folders created). */
    public void writeJson(Path path) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started.toString());
        json.put("records", settings.records());
        json.put("partitions", settings.partitions());
        json.put("tasks", settings.tasks());
        json.put("compression", settings.compression());
        json.put("restoreProducerOverrides", settings.restoreProducerOverrides());
        json.put("offsetFlushIntervalMs", Benchmark.OFFSET_FLUSH_INTERVAL_MS);
        json.put("sampleIntervalMs", ProgressSampler.INTERVAL_MS);
        json.put("steadyState", "records/s and MB/s between the times 10% and 90% of the records were done, "
                + "interpolated between progress points; coarse when fewer than " + SteadyRate.RESOLVED_POINTS
                + " points lie between them");
        json.put("peakHeap", HEAP);
        json.put("steadyCpu", CPU);
        json.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        json.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        List<Object> runs = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("valueBytes", row.valueBytes());
            run.put("store", row.store());
            run.put("storedBytes", row.storedBytes());
            Map<String, Object> stages = new LinkedHashMap<>();
            for (Stage stage : Stage.values()) {
                stages.put(stage.label(), stage(row.stages().get(stage)));
            }
            run.put("stages", stages);
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (Ratio ratio : RATIOS) {
                ratios.put(ratio.name(), number(row.ratio(ratio)));
            }
            run.put("ratios", ratios);
            Map<String, Object> ownCpu = new LinkedHashMap<>();
            ownCpu.put("backup", number(row.ownCpuMillisPerMegabyte(Stage.BACKUP)));
            ownCpu.put("restore", number(row.ownCpuMillisPerMegabyte(Stage.RESTORE)));
            run.put("ownCpuMillisPerMegabyte", ownCpu);
            runs.add(run);
        }
        json.put("runs", runs);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(path.toFile(), json);
    }

    private static Map<String, Object> stage(StageResult result) {
        Map<String, Object> stage = new LinkedHashMap<>();
        stage.put("records", result.records());
        stage.put("recordBytes", result.recordBytes());
        stage.put("steadyRecordsPerSecond", number(result.steadyRecordsPerSecond()));
        stage.put("steadyMegabytesPerSecond", number(result.steadyMegabytesPerSecond()));
        stage.put("steadyCoarse", result.coarse());
        stage.put("steadyProgressPoints", result.steady().map(SteadyRate.Window::points).orElse(0));
        stage.put("steadyCpuMillisPerMegabyte", number(result.steadyCpuMillisPerMegabyte()));
        stage.put("steadyCoresBusy", number(result.steadyCoresBusy()));
        stage.put("endToEndSeconds", result.seconds());
        stage.put("endToEndMegabytesPerSecond", result.endToEndMegabytesPerSecond());
        stage.put("heapAtStartBytes", result.heapAtStart());
        stage.put("peakHeapBytes", result.peakHeap());
        stage.put("sharedAcrossStores", result.stage().storeIndependent());
        return stage;
    }

    /** JSON has no NaN: an unresolved figure is null. */
    private static Double number(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
