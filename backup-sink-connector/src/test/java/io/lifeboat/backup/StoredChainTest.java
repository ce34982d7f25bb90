package io.lifeboat.backup;

import io.lifeboat.core.storage.FilesystemObjectStore;
import io.lifeboat.core.storage.ForwardingStore;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static io.lifeboat.backup.PlanningScale.LAYOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which listings a resume makes ({@link StoredChain#resume}), on segments of 100 offsets (see {@link PlanningScale}). */
class StoredChainTest {

    @TempDir
    Path root;

    private ForwardingStore store;
    private TopicPartition tp;

    private void create(int segments) throws IOException {
        tp = PlanningScale.create(root, segments, 1).get(0);
        store = new ForwardingStore(new FilesystemObjectStore(root));
    }

    private List<String> startAfters() {
        return store.takeListings().stream().map(ForwardingStore.Listing::startAfter).toList();
    }

    @Test
    void aResumeAtTheEndListsFromBelowTheMark() throws IOException {
        create(2_000); // offsets 0..199999
        StoredChain chain = StoredChain.resume(tp, store, LAYOUT, 200_000, OptionalLong.of(199_999));
        assertEquals(List.of(LAYOUT.segmentsStartAfter(tp, 199_999 - 1_024)), startAfters());
        assertEquals(10, chain.segments().size());
        assertEquals(199_999, chain.lastOffset());
        assertFalse(chain.whole());
    }

    @Test
    void theLookBackGrowsUntilASegmentStartsAtOrBeforeTheFirstDeliveredOffset() throws IOException {
        create(2_000);
        // the mark lags far behind; nothing starts at 150050 itself
        StoredChain chain = StoredChain.resume(tp, store, LAYOUT, 150_050, OptionalLong.of(190_000));
        assertEquals(List.of(LAYOUT.segmentsStartAfter(tp, 150_050), LAYOUT.segmentsStartAfter(tp, 150_050 - 1_024)),
                startAfters());
        assertTrue(chain.segmentCovering(150_050).isPresent());
        assertEquals(199_999, chain.lastOffset());
    }

    @Test
    void anUnanchoredListingOfManyKeysListsTheWholePartitionInstead() throws IOException {
        create(2_000);
        // an operator's reset to 550: more than 1000 segments follow it
        StoredChain chain = StoredChain.resume(tp, store, LAYOUT, 550, OptionalLong.of(199_999));
        assertEquals(List.of(LAYOUT.segmentsStartAfter(tp, 550), ""), startAfters());
        assertTrue(chain.whole());
        assertEquals(2_000, chain.segments().size());
    }

    @Test
    void withoutAMarkOrWhenTheBoundReachesOffsetZeroTheWholePartitionIsListed() throws IOException {
        create(20);
        assertTrue(StoredChain.resume(tp, store, LAYOUT, 2_000, OptionalLong.empty()).whole());
        assertTrue(StoredChain.resume(tp, store, LAYOUT, 0, OptionalLong.of(1_999)).whole());
        assertTrue(StoredChain.resume(tp, store, LAYOUT, 9_000, OptionalLong.of(1_000)).whole(), "1024 below 1000");
        assertEquals(List.of("", "", ""), startAfters());
    }

    @Test
    void aChainListedFromABoundIsListedWholeOnceWhenAsked() throws IOException {
        create(20); // offsets 0..1999: 1024 below the mark is 975
        StoredChain chain = StoredChain.resume(tp, store, LAYOUT, 5_000, OptionalLong.of(1_999));
        assertEquals(List.of(LAYOUT.segmentsStartAfter(tp, 975)), startAfters());
        assertEquals(1_999, chain.lastOffset());
        chain.listWhole();
        assertEquals(List.of(""), startAfters());
        assertTrue(chain.whole());
        assertEquals(20, chain.segments().size());
        chain.listWhole();
        assertEquals(List.of(), startAfters(), "a whole chain is not listed again");
    }
}
