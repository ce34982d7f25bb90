package io.lifeboat.benchmarks;

/**
 * The stages of a benchmark run, in the order of the report. The raw clients and Connect's ceiling do
 * the same work as the backup (read the topic) and the restore (write it) and set the bar for them.
 */
public enum Stage {
    RAW_PRODUCER("raw producer", "raw prod"),
    RAW_CONSUMER("raw consumer", "raw cons"),
    NULL_SINK("do-nothing sink", "null sink"),
    BACKUP("backup", "backup"),
    MEMORY_SOURCE("from-memory source", "mem src"),
    RESTORE("restore", "restore");

    private final String label;
    private final String column;

    Stage(String label, String column) {
        this.label = label;
        this.column = column;
    }

    /** The name in the JSON report and the progress lines. */
    public String label() {
        return label;
    }

    /** The short column heading of the terminal table. */
    public String column() {
        return column;
    }

    /** Whether the stage does not touch the store, so one measurement serves every store of a value size. */
    public boolean storeIndependent() {
        return this != BACKUP && this != RESTORE;
    }
}
