package io.lifeboat.cli;

import io.lifeboat.harness.PluginPath;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code lifeboat drill}: the disaster-recovery drill, on an embedded Kafka and Connect ({@link Drill})
 * or, with {@code --connect} and {@code --bootstrap}, on the user's own ({@link ClusterDrill}).
 */
@Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = {"Disaster-recovery drill.",
                "Without options: on an embedded Kafka and Kafka Connect (no external service): write awkward sample "
                        + "data, back it up with the backup connector, delete the topics, restore them with the restore "
                        + "connector, compare every record byte for byte.",
                "With --connect and --bootstrap: on your own clusters, for a running backup connector: measure the RPO "
                        + "per partition (records and time the durable backup is behind the live topic), restore the "
                        + "topics into new topics named lifeboat-drill-<time>.<topic> with the restore connector on that "
                        + "Connect cluster (the originals are never touched), with the consumer groups the backup "
                        + "recorded under lifeboat-drill-<time>.<group>, verify every restored record against the backup "
                        + "set byte for byte and every group's position, measure the RTO (submission to the last record "
                        + "written), and remove the connector, topics and groups it created (unless --keep). The Connect "
                        + "workers must write to the --bootstrap cluster.",
                "Prints VERIFIED (exit 0) or FAILED (exit 1); --report DIR also writes report.json, report.md and "
                        + "report.html."})
final class DrillCommand implements Callable<Integer> {

    @ParentCommand
    LifeboatCommand lifeboat;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--connect", paramLabel = "URL", description = "the Connect cluster's REST URL: drill a running "
            + "backup there instead of the embedded one")
    String connectUrl;

    @Option(names = "--backup", paramLabel = "NAME", description = "the backup connector to drill (default: the only "
            + "Lifeboat backup connector on the Connect cluster)")
    String backup;

    @Option(names = "--topics", paramLabel = "T1,T2", split = ",", description = "restore only these backed-up topics "
            + "(a sample; default: all the backup backs up)")
    List<String> topics = List.of();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long the restore, and the verification of "
            + "each partition, may take (default: 1800)")
    long timeoutSeconds = 1800;

    @Option(names = "--parallel", paramLabel = "N", description = "on a cluster: restored partitions verified at a "
            + "time, each with a consumer of its own (default: ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = "--keep", description = "embedded: keep the backup set (its folder is printed); on a cluster: keep "
            + "the restored topics, groups and the restore connector")
    boolean keep;

    @Option(names = "--report", paramLabel = "DIR", description = "also write report.json, report.md and a "
            + "self-contained report.html into DIR")
    Path reportDir;

    @Option(names = "--json", description = "print the report as one JSON document (progress goes to stderr)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = json ? lifeboat.err : lifeboat.out;
        DrillReport report = connectUrl == null ? embedded(progress) : cluster(progress);
        if (reportDir != null) {
            DrillReportFiles.write(report, reportDir);
            progress.println("[drill] Report written to " + reportDir.resolve("report.html"));
        }
        if (json) {
            lifeboat.out.println(DrillReportFiles.json(report));
        } else {
            report.print(lifeboat.out);
        }
        return report.verified() ? 0 : 1;
    }

    private DrillReport embedded(PrintStream progress) {
        if (store.given() || kafka.given() || backup != null || !topics.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap, --backup, --topics and the store options "
                    + "need --connect URL (without it the drill runs on an embedded cluster)");
        }
        return new Drill(PluginPath.locate(), progress, keep).run();
    }

    private DrillReport cluster(PrintStream progress) throws Exception {
        if (timeoutSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be at least 1, got " + parallel);
        }
        String bootstrap = kafka.bootstrap();
        ClusterDrill.Options options = new ClusterDrill.Options(Optional.ofNullable(backup), topics,
                store.given() ? Optional.of(store.settings()) : Optional.empty(), Duration.ofSeconds(timeoutSeconds), keep, parallel);
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            try {
                admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot reach the Kafka cluster at " + bootstrap + " (--bootstrap): "
                        + (e.getCause() == null ? e : e.getCause()), e);
            }
            ConnectRest rest = new ConnectRest(connectUrl);
            rest.connectors(); // unreachable: exit 3, naming the URL
            try {
                return new ClusterDrill(rest, admin, bootstrap, kafka.clientSettings(), options, progress,
                        !json && ProgressLine.stdoutIsTerminal(), Clock.systemUTC()).run();
            } catch (ClusterDrill.SetupException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
