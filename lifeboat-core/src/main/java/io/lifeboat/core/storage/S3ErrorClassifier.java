package io.lifeboat.core.storage;

import io.lifeboat.core.config.S3Checksum;
import io.lifeboat.core.config.StorageConfig;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Sorts the failures of S3 requests, after the SDK's own retries, into two kinds:
 * <ul>
 *   <li><b>permanent</b>: the store's answer shows a setting or a permission that waiting will not
 *       change (access denied, unknown access key, wrong secret, no such bucket, another region, a
 *       request the store calls invalid, a rejected checksum header, an endpoint host that does not
 *       resolve). They become a {@link StoreAccessException} naming the config key to fix, the store's
 *       answer and the IAM action that is missing;</li>
 *   <li><b>transient</b>: 5xx answers, throttling (503 SlowDown, 429), timeouts, refused or reset
 *       connections, an expired session token and answers not known here. They stay a plain
 *       {@link IOException}; the connectors retry them.</li>
 * </ul>
 * Missing credentials are a {@link StoreAccessException#isMissingCredentials() third case}: the worker
 * may find them later (an instance role), so the connectors retry them too. Messages never hold secrets.
 */
final class S3ErrorClassifier {

    private final String bucket;
    private final boolean customEndpoint;
    private final S3Checksum checksum;

    S3ErrorClassifier(String bucket, boolean customEndpoint, S3Checksum checksum) {
        this.bucket = bucket;
        this.customEndpoint = customEndpoint;
        this.checksum = checksum;
    }

    /**
     * @param verb       what Lifeboat tried, such as "upload"
     * @param object     the key (or "prefix*") it tried it on
     * @param operation  the S3 request, such as "PutObject" or "UploadPart 2 of 3"
     * @param iamAction  the permission the request needs, such as "s3:PutObject"
     */
    IOException classify(String verb, String object, String operation, String iamAction, SdkException e) {
        String what = "could not " + verb + " s3://" + bucket + "/" + object + " (" + operation + ")";
        if (e instanceof AwsServiceException answer) {
            return classifyAnswer(what, iamAction, answer);
        }
        UnknownHostException unknownHost = cause(e, UnknownHostException.class);
        if (unknownHost != null) {
            return customEndpoint
                    ? new StoreAccessException(StorageConfig.S3_ENDPOINT, what + ": the host of "
                    + StorageConfig.S3_ENDPOINT + " is unknown (" + unknownHost.getMessage() + "); check its spelling",
                    e)
                    : new StoreAccessException(StorageConfig.S3_REGION, what + ": the S3 endpoint of the configured "
                    + "region is unknown (" + unknownHost.getMessage() + "); check " + StorageConfig.S3_REGION
                    + ", or set " + StorageConfig.S3_ENDPOINT + " for an S3-compatible store", e);
        }
        if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("credentials")) {
            return StoreAccessException.missingCredentials(StorageConfig.AWS_ACCESS_KEY_ID, what + ": no AWS "
                    + "credentials: set " + StorageConfig.AWS_ACCESS_KEY_ID + " and "
                    + StorageConfig.AWS_SECRET_ACCESS_KEY + ", or give the worker credentials the AWS SDK's default "
                    + "chain finds (environment, profile, web identity, instance role): " + e.getMessage(), e);
        }
        return new IOException(what + ": " + e.getMessage(), e);
    }

    private IOException classifyAnswer(String what, String iamAction, AwsServiceException e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String storeMessage = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String answer = " (S3 answered " + status + (code == null ? "" : " " + code)
                + (storeMessage == null || storeMessage.isBlank() ? "" : ": " + storeMessage) + ")";
        String text = (code + " " + storeMessage).toLowerCase(Locale.ROOT);
        if ("NoSuchBucket".equals(code)) {
            return permanent(StorageConfig.S3_BUCKET, what + ": bucket '" + bucket + "' does not exist" + answer, e);
        }
        if ("InvalidAccessKeyId".equals(code)) {
            return permanent(StorageConfig.AWS_ACCESS_KEY_ID, what + ": the store does not know this access key id"
                    + answer, e);
        }
        if ("SignatureDoesNotMatch".equals(code)) {
            return permanent(StorageConfig.AWS_SECRET_ACCESS_KEY, what + ": the secret access key does not belong "
                    + "to the access key id" + answer, e);
        }
        if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)
                || "IllegalLocationConstraintException".equals(code)) {
            return permanent(StorageConfig.S3_REGION, what + ": bucket '" + bucket + "' is in another region than "
                    + "the one configured" + answer, e);
        }
        if (rejectsChecksum(status, code, text)) {
            return permanent(StorageConfig.S3_CHECKSUM, what + ": the store rejects the " + checksum + " checksum "
                    + "sent with uploads; set " + StorageConfig.S3_CHECKSUM + " to NONE (or to another of CRC32C, "
                    + "CRC32, SHA256 that it supports)" + answer, e);
        }
        if (checksum == S3Checksum.NONE && status == 400 && (text.contains("checksum") || text.contains("content-md5"))) {
            return permanent(StorageConfig.S3_CHECKSUM, what + ": the store requires a checksum with each upload "
                    + "(object lock?); set " + StorageConfig.S3_CHECKSUM + " to CRC32C" + answer, e);
        }
        if (text.contains("object lock") || text.contains("objectlock") || text.contains("retention")) {
            return permanent(StorageConfig.S3_BUCKET, what + ": the object lock of bucket '" + bucket + "' denies "
                    + "the request; use a bucket (or a retention mode) that lets the backup write" + answer, e);
        }
        if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code) || "AccountProblem".equals(code)) {
            return permanent(StorageConfig.S3_BUCKET, what + ": access denied: the credentials need " + iamAction
                    + " on bucket '" + bucket + "' (check the IAM policy of " + StorageConfig.AWS_ACCESS_KEY_ID
                    + " and the bucket policy, which may also demand headers such as server-side encryption)"
                    + answer, e);
        }
        if (status == 400 && ("InvalidRequest".equals(code) || "InvalidArgument".equals(code)
                || "InvalidBucketName".equals(code) || "InvalidEncryptionAlgorithmError".equals(code))) {
            return permanent(StorageConfig.S3_BUCKET, what + ": the store calls the request invalid; bucket '"
                    + bucket + "' may demand headers Lifeboat does not send (such as server-side encryption by "
                    + "a bucket policy); use a bucket without that demand" + answer, e);
        }
        if ("NotImplemented".equals(code)) {
            return permanent(StorageConfig.S3_ENDPOINT, what + ": the store does not implement this request"
                    + answer, e);
        }
        return new IOException(what + ": " + e.getMessage(), e);
    }

    /** A checksum was sent and the store refused it: a header it does not implement, or one it calls invalid. */
    private boolean rejectsChecksum(int status, String code, String text) {
        if (checksum == S3Checksum.NONE) {
            return false;
        }
        boolean namesChecksum = text.contains("checksum") || text.contains("x-amz-trailer")
                || text.contains("aws-chunked") || text.contains("streaming-unsigned-payload-trailer");
        return ("NotImplemented".equals(code) || status == 501)
                || (status == 400 && namesChecksum);
    }

    private static StoreAccessException permanent(String key, String message, Throwable cause) {
        return new StoreAccessException(key, message, cause);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
