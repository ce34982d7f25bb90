package io.lifeboat.core.storage;

import java.io.IOException;

/**
 * The store computed another checksum of an upload's body than the one sent (S3's BadDigest and kin).
 * Once, that is a body changed on its way, cured by sending it again; for every upload, even a tiny one
 * sent twice (the backup's start-up write probe), it is a store that does not understand the checksum
 * headers the AWS SDK sends, cured only by {@code s3.checksum.algorithm=NONE}.
 */
public final class ChecksumMismatchException extends IOException {

    public ChecksumMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
