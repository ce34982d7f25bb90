package io.lifeboat.restore;

import io.lifeboat.backup.BackupSinkConfig;
import io.lifeboat.core.config.ConfigDocs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/CONFIG.md is generated from the connectors' ConfigDefs. This test fails when it is stale;
 * run {@code mvn -pl restore-source-connector test -Dtest=ConfigDocsTest -Dlifeboat.docs.update=true}
 * (after installing the other modules) to rewrite it.
 */
class ConfigDocsTest {

    private static final Path DOC = Path.of("..", "docs", "CONFIG.md");

    static String render() {
        return """
                # Configuration reference

                Generated from the connectors' `ConfigDef`s by `ConfigDocsTest`; do not edit by hand.
                Besides these keys, each connector takes Kafka Connect's own (`name`, `connector.class`,
                `tasks.max`, converters, `topics` for the backup, ...). Both connectors require
                `key.converter`, `value.converter` and `header.converter` to be
                `org.apache.kafka.connect.converters.ByteArrayConverter`; the backup also requires
                `consumer.override.isolation.level=read_committed`. Both reject `transforms` and any
                `errors.tolerance` other than `none` (either could alter or drop records).

                `restore.mode=follow` (keep restoring new segments) is not implemented yet: `validate()`
                rejects it rather than ignoring it.

                ## Backup sink connector (`io.lifeboat.backup.BackupSinkConnector`)

                Admin-client settings of the source cluster other than bootstrap servers go under the
                `source.cluster.` prefix (`source.cluster.security.protocol`, `source.cluster.sasl.jaas.config`, ...).
                """ + ConfigDocs.markdown(BackupSinkConfig.CONFIG_DEF) + """

                ## Restore source connector (`io.lifeboat.restore.RestoreSourceConnector`)

                Admin-client settings of the target cluster other than bootstrap servers go under the
                `target.cluster.` prefix (`target.cluster.security.protocol`, `target.cluster.sasl.jaas.config`, ...).
                """ + ConfigDocs.markdown(RestoreSourceConfig.CONFIG_DEF);
    }

    @Test
    void configReferenceIsUpToDate() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("lifeboat.docs.update")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
        assertEquals(expected, actual, "docs/CONFIG.md is stale: rerun this test with -Dlifeboat.docs.update=true");
    }
}
