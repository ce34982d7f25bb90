package io.lifeboat.cli;

import io.lifeboat.core.LifeboatVersion;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code lifeboat}: the top of the command line; its subcommands do the work. */
@Command(name = "lifeboat", mixinStandardHelpOptions = true, versionProvider = LifeboatCommand.Version.class,
        description = "Kafka disaster recovery: backup sink and restore source connectors for Kafka Connect, and "
                + "the tools to prove a backup restorable.",
        subcommands = {DrillCommand.class, BenchCommand.class, ListCommand.class, VerifyCommand.class, StatusCommand.class,
                CatCommand.class, AutoComplete.GenerateCompletion.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done: verified, listed, printed",
                "  1  problems found: a drill or a verification failed, nothing to show",
                "  2  usage error: an unknown command or option, a missing or bad value",
                "  3  the environment failed: a store or cluster unreachable or refusing",
                "     access, an unexpected error",
                "",
                "Shell completion: source <(./lifeboat generate-completion)"})
public final class LifeboatCommand implements Callable<Integer> {

    /** Where the subcommands print their reports (the caller's stdout). */
    final PrintStream out;
    /** Where progress goes when the report is a JSON document on {@link #out} (the caller's stderr). */
    final PrintStream err;

    @Spec
    CommandSpec spec;

    LifeboatCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }

    /** {@code --version}: the version of the Lifeboat build. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lifeboat " + LifeboatVersion.get()};
        }
    }
}
