package io.lifeboat.cli;

import io.lifeboat.harness.PluginPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code lifeboat drill}: the disaster-recovery drill on an embedded Kafka and Connect ({@link Drill}). */
@Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = {"Disaster-recovery drill on an embedded Kafka and Kafka Connect (no external service): write "
                + "awkward sample data, back it up with the backup connector, delete the topics, restore them with "
                + "the restore connector, compare every record byte for byte.",
                "Prints VERIFIED (exit 0) or FAILED (exit 1)."})
final class DrillCommand implements Callable<Integer> {

    @ParentCommand
    LifeboatCommand lifeboat;

    @Option(names = "--keep", description = "keep the backup set (its folder is printed)")
    boolean keep;

    @Override
    public Integer call() {
        DrillReport report = new Drill(PluginPath.locate(), lifeboat.out, keep).run();
        report.print(lifeboat.out);
        return report.verified() ? 0 : 1;
    }
}
