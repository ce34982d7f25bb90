package io.lifeboat.cli;

import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code ./lifeboat} command line ({@link LifeboatCommand} and its subcommands; {@code ./lifeboat bench}
 * runs the benchmarks module instead, the launcher dispatches it). Exit codes: 0 done, 1 problems found
 * (a drill or a verification failed, nothing to show), 2 a usage error, 3 the environment failed (a store
 * unreachable or refusing access, an unexpected error).
 */
public final class Main {

    /** Exit code of a failure that is not a verdict: a store or cluster unreachable, an unexpected error. */
    public static final int ENVIRONMENT_FAILED = 3;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns its exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(argv);
    }

    /** The command line, printing reports and help to {@code out}, errors to {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new LifeboatCommand(out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("lifeboat " + command.getCommandName() + " failed: " + e);
            return ENVIRONMENT_FAILED;
        });
        return cli;
    }
}
