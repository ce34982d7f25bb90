package io.lifeboat.cli;

import io.lifeboat.core.layout.DamagedSets;
import io.lifeboat.core.layout.DamagedSets.DamagedSet;
import io.lifeboat.core.storage.ForwardingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code cat --limit N} stops downloading segments once N records were printed. */
class CatLimitTest {

    @Test
    void limitStopsTheDownloads(@TempDir Path dir) throws IOException {
        DamagedSet intact = DamagedSets.write(dir).get(0); // orders-0: 0..4 and 5..9; orders-1: 0..2
        assertEquals("intact", intact.name());
        assertEquals(1, cat(intact, 3, -1).opens(), "3 records lie in the first segment");
        assertEquals(1, cat(intact, 5, -1).opens(), "5 records fill the first segment exactly");
        assertEquals(2, cat(intact, 6, -1).opens());
        assertEquals(3, cat(intact, 100, -1).opens(), "without a reachable limit every segment is read");
        assertEquals(1, cat(intact, 2, 0).opens(), "with --partition too");
    }

    private static ForwardingStore cat(DamagedSet set, long limit, long partition) throws IOException {
        ForwardingStore store = new ForwardingStore(set.store());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertEquals(0, CatCommand.print(store, DamagedSets.LAYOUT, DamagedSets.TOPIC, partition, 0, limit, false, out));
        assertEquals(Math.min(limit, partition < 0 ? 13 : 10), bytes.toString(StandardCharsets.UTF_8).lines().count());
        return store;
    }
}
