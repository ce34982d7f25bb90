package io.lifeboat.cli;

import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** {@code lifeboat status}: the health of every Lifeboat backup and restore on a Connect cluster. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = {"The health of every Lifeboat backup and restore connector on a Connect cluster: state and "
                + "tasks (with the error of a failed one); per backed-up partition the end offset, the durable "
                + "offset (what the backup has committed: in the store), the lag in records and the RPO right now "
                + "(0 when all is durable, else the age of the newest durable record); the newest metadata "
                + "snapshot; a restore's progress.",
                "Exit 1 when a connector or task is not RUNNING, a backup's store cannot be read, or a partition "
                        + "is BEHIND (records waiting and the RPO over --max-rpo); 3 when Connect or Kafka cannot "
                        + "be reached. The store settings are each backup connector's own (from its REST config) "
                        + "unless given here (needed when the REST API hides a password)."})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    LifeboatCommand lifeboat;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--connect", required = true, paramLabel = "URL", description = "the Connect cluster's REST URL")
    String connectUrl;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--connector", paramLabel = "NAME", split = ",", description = "only these connectors")
    List<String> connectors = List.of();

    @Option(names = "--max-rpo", paramLabel = "SECONDS", description = "report a partition BEHIND when records "
            + "wait and the RPO is above this (default: three segment.max.age.ms of the backup plus a minute)")
    Long maxRpoSeconds;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (maxRpoSeconds != null && maxRpoSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--max-rpo must not be negative");
        }
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            ClusterStatus status = new ClusterStatus(new ConnectRest(connectUrl), admin, kafka.clientConfig(),
                    store.given() ? Optional.of(store.config()) : Optional.empty(),
                    Optional.ofNullable(maxRpoSeconds).map(Duration::ofSeconds));
            List<ConnectorHealth> found;
            try {
                found = status.read(new HashSet<>(connectors));
            } catch (TimeoutException | ExecutionException e) {
                throw new IOException("cannot reach the Kafka cluster at " + kafka.bootstrap() + " (--bootstrap) or it "
                        + "refused a request: " + (e.getCause() == null ? e : e.getCause()), e);
            }
            StatusReport report = new StatusReport(connectUrl, found, Clock.systemUTC().instant());
            if (json) {
                report.printJson(lifeboat.out);
            } else {
                report.printText(lifeboat.out);
            }
            return report.exitCode();
        }
    }
}
