package io.lifeboat.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The names a drill gives what it creates, all starting with its id ({@code lifeboat-drill-20261202-221500}),
 * so that they never meet a user's own and cleanup finds every one: the restore connector, the topics
 * restored into ({@code <id>.<topic>}) and the consumer groups committed ({@code <id>.<group>}).
 */
record DrillNames(String id) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    static DrillNames at(Instant start) {
        return new DrillNames("lifeboat-drill-" + STAMP.format(start));
    }

    String connector() {
        return id + "-restore";
    }

    String targetTopic(String topic) {
        return id + "." + topic;
    }

    String groupPrefix() {
        return id + ".";
    }
}
