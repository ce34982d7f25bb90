package io.lifeboat.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lifeboat bench} as the command line lists it: the benchmark lives in the benchmarks module, and
 * the {@code ./lifeboat} launcher runs it on that module's classpath; reached here, it says so.
 */
@Command(name = "bench", description = "Throughput, CPU and heap of a backup and a restore next to raw Kafka "
        + "clients and Connect's own ceiling, on an embedded cluster (the benchmarks module; "
        + "./lifeboat bench --help for its options).")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> arguments;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "bench belongs to the benchmarks module: run it through "
                + "the ./lifeboat launcher (./lifeboat bench --help)");
    }
}
