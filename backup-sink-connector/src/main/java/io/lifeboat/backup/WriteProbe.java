package io.lifeboat.backup;

import io.lifeboat.core.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Proves at task start that the credentials may write under the backup set's prefix, before any
 * record waits on it: one small object is put and deleted again. Listing (the access check) passes
 * without s3:PutObject, and a bucket policy may deny or constrain only writes; this put meets the same
 * answer a segment would. The object's deletion is best effort: the backup itself never deletes, so
 * s3:DeleteObject is not required, and a probe left behind is overwritten at the task's next start.
 */
final class WriteProbe {

    private static final Logger log = LoggerFactory.getLogger(WriteProbe.class);

    private WriteProbe() {
    }

    /** Puts then deletes {@code key}; throws what the put threw. */
    static void run(ObjectStore store, String key, String writer) throws IOException {
        store.put(key, ("Lifeboat write check of " + writer + "; safe to delete\n").getBytes(StandardCharsets.UTF_8));
        try {
            store.delete(key);
        } catch (IOException e) {
            log.warn("Could not delete the write check object {} in {} (harmless: it is overwritten at the next "
                    + "start; grant s3:DeleteObject to have it removed): {}", key, store.describe(), e.getMessage());
        }
    }
}
