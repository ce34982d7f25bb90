package io.lifeboat.core.segment;

import java.io.IOException;

/**
 * A segment object cannot be trusted: it is truncated, fails its checksum, or its content does not
 * match what its key says. The message names the object key and the offsets affected.
 */
public class CorruptSegmentException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptSegmentException(String message) {
        super(message);
    }

    public CorruptSegmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
