package io.lifeboat.core.layout;

import io.lifeboat.core.storage.ObjectStore;
import io.lifeboat.core.storage.StoredObject;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;

/**
 * A partition's segment objects listed from a bound on rather than whole, for a reader that needs the
 * chain from an offset {@code anchor} on (a resuming backup or restore): S3's {@code start-after}
 * ({@link BackupLayout#segmentsStartAfter}) skips the keys before the bound, which sort by first offset.
 *
 * <p>A listing is <em>anchored</em> when it holds a segment that starts at or before {@code anchor}.
 * Then every segment it does not see starts before the bound, and one of them can hold an offset at or
 * after {@code anchor} only by reaching past a listed segment's first offset: by overlapping it (two
 * owners wrote the same offsets without seeing each other's segments). So an anchored listing holds
 * every segment from {@code anchor} on but such overlaps; what a reader concludes from a missing
 * segment (a break, a recreated topic, a gap) it confirms on the whole listing.
 *
 * <p>Bounds tried: {@code firstBound}, then {@link #FIRST_LOOK_BACK} offsets below {@code top}, eight
 * times further each time. The whole partition is listed instead when a listing that is not anchored
 * returned more than {@link #MAX_UNANCHORED_KEYS} keys (looking further back would list them again),
 * or when the bound reaches 0.
 */
public final class AnchoredListing {

    /** The first look-back below {@code top}, in offsets. */
    public static final long FIRST_LOOK_BACK = 1_024;
    /** Past this many keys in a listing that is not anchored, the whole partition is listed. */
    public static final int MAX_UNANCHORED_KEYS = 1_000;
    private static final int LOOK_BACK_GROWTH = 8;

    private AnchoredListing() {
    }

    /** Takes the objects of a streamed listing, which may start over from another bound. */
    public interface Receiver {
        /** One object of the listing, in no particular order. */
        void accept(StoredObject object);

        /** Forget every object of this listing accepted so far: the listing starts over. */
        void restart();
    }

    /**
     * The partition's segment objects from the first bound that anchors {@code anchor} (see the class
     * comment), streamed ({@link ObjectStore#forEachObject}): what is listed from a bound far below the
     * anchor (a resume early in a long chain) is never held as a list of keys. {@code receiver} is told to
     * {@link Receiver#restart restart} before each listing after the first.
     *
     * @param anchor     the first offset the reader needs
     * @param firstBound the first bound to try, at most {@code anchor}
     * @param top        the offset the look-back is measured below, at most {@code anchor}
     * @return the bound the objects received last were listed from: 0 for the whole partition
     */
    public static long stream(ObjectStore store, BackupLayout layout, TopicPartition tp, long anchor, long firstBound,
                              long top, Receiver receiver) throws IOException {
        long bound = Math.max(0, firstBound);
        long lookBack = Math.max(0, top - bound);
        boolean first = true;
        while (bound > 0) {
            if (!first) {
                receiver.restart();
            }
            first = false;
            boolean[] anchored = {false};
            int[] keys = {0};
            store.forEachObject(layout.segmentsPrefix(tp), layout.segmentsStartAfter(tp, bound), object -> {
                keys[0]++;
                anchored[0] |= layout.parseSegmentKey(object.key()).filter(s -> s.firstOffset() <= anchor).isPresent();
                receiver.accept(object);
            });
            if (anchored[0]) {
                return bound;
            }
            if (keys[0] > MAX_UNANCHORED_KEYS) {
                break;
            }
            lookBack = lookBack == 0 ? FIRST_LOOK_BACK
                    : lookBack > Long.MAX_VALUE / LOOK_BACK_GROWTH ? Long.MAX_VALUE : lookBack * LOOK_BACK_GROWTH;
            bound = Math.max(0, top - lookBack);
        }
        if (!first) {
            receiver.restart();
        }
        store.forEachObject(layout.segmentsPrefix(tp), "", receiver::accept);
        return 0;
    }
}
