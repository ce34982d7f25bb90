package io.lifeboat.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The names a drill gives what it creates, all starting with its id ({@code lifeboat-drill-20261202-221500-3fa9}:
 * when it started, and four random hex digits so that two drills started in the same second do not
 * share names), so that they never meet a user's own or another drill's and cleanup finds every one:
 * the restore connector, the topics restored into ({@code <id>.<topic>}) and the consumer groups
 * committed ({@code <id>.<group>}).
 */
record DrillNames(String id) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** What every drill's id starts with. */
    static final String PREFIX = "lifeboat-drill-";

    static DrillNames at(Instant start) {
        byte[] random = new byte[2];
        ThreadLocalRandom.current().nextBytes(random);
        return new DrillNames(PREFIX + STAMP.format(start) + "-" + HexFormat.of().formatHex(random));
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
