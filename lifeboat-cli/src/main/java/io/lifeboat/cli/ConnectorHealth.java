package io.lifeboat.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code lifeboat status} found about one Lifeboat connector: its state and tasks as the Connect
 * REST API reports them, the problems found (each a line an operator can act on), and for a backup its
 * partitions' lag and RPO, for a restore its progress.
 *
 * @param name      the connector's name
 * @param kind      {@code backup} or {@code restore}
 * @param state     the connector's state (RUNNING, PAUSED, FAILED, UNASSIGNED, ...)
 * @param tasks     its tasks' states, in task order
 * @param problems  what is wrong, empty when healthy
 * @param backup    a backup's partitions and store, when it is one and its store could be read
 * @param restore   a restore's progress, when it is one
 */
record ConnectorHealth(String name, String kind, String state, List<ConnectRest.TaskStatus> tasks, List<String> problems,
                       Optional<BackupHealth> backup, Optional<RestoreProgress> restore) {

    ConnectorHealth {
        tasks = List.copyOf(tasks);
        problems = List.copyOf(problems);
    }

    boolean healthy() {
        return problems.isEmpty();
    }

    /** The problems of a connector's state and tasks: anything but all RUNNING, with the first line of a trace. */
    static List<String> stateProblems(String name, ConnectRest.Status status) {
        List<String> problems = new ArrayList<>();
        if (!"RUNNING".equals(status.state())) {
            problems.add("connector " + name + " is " + status.state() + cause(status.trace()));
        }
        if (status.tasks().isEmpty()) {
            problems.add("connector " + name + " has no tasks");
        }
        for (ConnectRest.TaskStatus task : status.tasks()) {
            if (!"RUNNING".equals(task.state())) {
                problems.add("task " + task.id() + " of " + name + " is " + task.state() + cause(task.trace()));
            }
        }
        return problems;
    }

    /** The first line of a stack trace (the exception and its message), or null when there is none. */
    static String firstLine(String trace) {
        if (trace == null || trace.isBlank()) {
            return null;
        }
        int end = trace.indexOf('\n');
        return (end < 0 ? trace : trace.substring(0, end)).strip();
    }

    /** ": " and the first line of a stack trace, or nothing. */
    private static String cause(String trace) {
        String line = firstLine(trace);
        return line == null ? "" : ": " + line;
    }

    /** A restore's progress from its source offsets: partitions that say {@code complete: true} of those it wrote. */
    record RestoreProgress(int partitionsComplete, int partitionsStarted) {
    }
}
