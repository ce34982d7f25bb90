package io.lifeboat.cli;

import io.lifeboat.harness.PluginPath;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code ./lifeboat} command line: {@code drill}, {@code list}, {@code verify} and {@code cat}
 * ({@code ./lifeboat bench} runs the benchmarks module instead; the launcher dispatches it).
 * Exit codes: 0 success, 1 a drill or verification failed (or nothing to show), 2 a usage error,
 * 3 an unexpected error.
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "Usage: lifeboat <command> [options]",
            "",
            "Commands:",
            "  drill [--keep]       Disaster-recovery drill on an embedded Kafka and Kafka Connect (no external",
            "                       service): write awkward sample data, back it up with the backup connector,",
            "                       delete the topics, restore them with the restore connector, compare every",
            "                       record byte for byte. Prints VERIFIED or FAILED. --keep keeps the backup set.",
            "  bench [options]      Throughput of a backup and a restore next to raw Kafka clients and Connect's",
            "                       own ceiling (the benchmarks module; ./lifeboat bench --help for its options).",
            "  list STORE           List the topics, partitions and segments of a backup set (offsets, sizes).",
            "  verify STORE [--quiet]",
            "                       Read and check every segment (checksums, counts, offsets, timestamps, gaps);",
            "                       exit 1 on any problem. --quiet prints only problems.",
            "  cat STORE --topic T [--partition N] [--from OFFSET] [--limit N] [--full]",
            "                       Print the backed-up records of a topic: offset, timestamp, key, value, headers",
            "                       (text when UTF-8, else base64; values over 1 KB cut unless --full).",
            "",
            "STORE names a backup set:",
            "  --root DIR [--prefix P]                      a filesystem store (filesystem.root, storage.prefix)",
            "  --s3-bucket B [--prefix P] [--s3-endpoint URL] [--s3-region R] [--s3-path-style]",
            "                                               an S3 store; credentials from the AWS default chain",
            "                                               (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, role)");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns its exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = Arrays.asList(argv);
        if (args.isEmpty() || args.contains("--help") || args.contains("-h") || args.get(0).equals("help")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (command) {
                case "drill" -> drill(Args.parse(rest, Set.of(), Set.of("keep")), out);
                case "bench" -> throw new Args.UsageException("bench belongs to the benchmarks module: run it "
                        + "through the ./lifeboat launcher (./lifeboat bench --help)");
                case "list" -> ListCommand.run(Args.parse(rest, StoreOptions.OPTIONS, StoreOptions.FLAGS), out);
                case "verify" -> VerifyCommand.run(Args.parse(rest, StoreOptions.OPTIONS, union(StoreOptions.FLAGS, "quiet")), out);
                case "cat" -> CatCommand.run(Args.parse(rest,
                        union(StoreOptions.OPTIONS, "topic", "partition", "from", "limit"),
                        union(StoreOptions.FLAGS, "full")), out);
                default -> throw new Args.UsageException("unknown command '" + command + "'");
            };
        } catch (Args.UsageException e) {
            err.println("lifeboat: " + e.getMessage());
            err.println();
            err.println(USAGE);
            return 2;
        } catch (Exception e) {
            err.println("lifeboat " + command + " failed: " + e);
            return 3;
        }
    }

    private static int drill(Args args, PrintStream out) {
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("drill takes no arguments, got " + args.positional());
        }
        DrillReport report = new Drill(PluginPath.locate(), out, args.flag("keep")).run();
        report.print(out);
        return report.verified() ? 0 : 1;
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(Arrays.asList(more));
        return all;
    }
}
