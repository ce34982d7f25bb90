package io.lifeboat.core.storage;

import io.lifeboat.core.Causes;
import io.lifeboat.core.config.S3Checksum;
import io.lifeboat.core.config.StorageConfig;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts the failures of S3 requests, after the SDK's own retries, into two kinds:
 * <ul>
 *   <li><b>permanent</b>: the store's answer shows a setting or a permission that waiting will not
 *       change (access denied, unknown access key, wrong secret, no such bucket, another region, a
 *       request the store calls invalid, an upload's checksum header refused, a request the store does
 *       not implement, an object in an archive storage class, and at the access check an endpoint host
 *       that does not resolve). They become a {@link StoreAccessException} naming the config key to fix,
 *       the store's answer and the IAM action that is missing;</li>
 *   <li><b>transient</b>: 5xx answers, throttling (503 SlowDown, 429), timeouts, refused or reset
 *       connections, an expired session token, a checksum that did not match (the body changed on its
 *       way: BadDigest and kin), a host that does not resolve in a running task and answers not known
 *       here. They stay a plain {@link IOException}; the connectors retry them.</li>
 * </ul>
 * The checksum rules apply to uploads only ({@link S3Request#isUpload()}): a NotImplemented on a listing
 * or a delete names that request, not the checksum. Missing credentials are a
 * {@link StoreAccessException#isMissingCredentials() third case}: the worker may find them later (an
 * instance role), so the connectors retry them too. Messages never hold secrets.
 */
final class S3ErrorClassifier {

    /** The store computed another digest of the body than the one sent: the body changed on the way. */
    private static final Set<String> DIGEST_MISMATCHES = Set.of("BadDigest", "InvalidDigest",
            "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch");
    /** Words of an answer that names the checksum header or algorithm (lower case). */
    private static final List<String> CHECKSUM_HEADER_WORDS = List.of("x-amz-checksum", "x-amz-sdk-checksum",
            "checksum algorithm", "checksum-algorithm", "checksumalgorithm", "checksum type", "checksum header",
            "x-amz-trailer", "aws-chunked", "streaming-unsigned-payload-trailer");

    private final String bucket;
    private final boolean customEndpoint;
    private final S3Checksum checksum;

    S3ErrorClassifier(String bucket, boolean customEndpoint, S3Checksum checksum) {
        this.bucket = bucket;
        this.customEndpoint = customEndpoint;
        this.checksum = checksum;
    }

    /**
     * @param verb     what Lifeboat tried, such as "upload"
     * @param object   the key (or "prefix*") it tried it on
     * @param request  the S3 request that failed
     * @param step     which of several such requests, such as "2 of 3" for a part; null for the only one
     */
    IOException classify(String verb, String object, S3Request request, String step, SdkException e) {
        String what = "could not " + verb + " s3://" + bucket + "/" + object + " (" + request.operation()
                + (step == null ? "" : " " + step) + ")";
        if (e instanceof AwsServiceException answer) {
            return classifyAnswer(what, object, request, answer);
        }
        UnknownHostException unknownHost = Causes.find(e, UnknownHostException.class).orElse(null);
        if (unknownHost != null) {
            return unknownHost(what, request, unknownHost, e);
        }
        if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("credentials")) {
            return StoreAccessException.missingCredentials(StorageConfig.AWS_ACCESS_KEY_ID, what + ": no AWS "
                    + "credentials: set " + StorageConfig.AWS_ACCESS_KEY_ID + " and "
                    + StorageConfig.AWS_SECRET_ACCESS_KEY + ", or give the worker credentials the AWS SDK's default "
                    + "chain finds (environment, profile, web identity, instance role): " + e.getMessage(), e);
        }
        return new IOException(what + ": " + e.getMessage(), e);
    }

    /**
     * A host that does not resolve is a setting to fix at the access check, where validate names it (a
     * backup task's start check logs it and waits, since a worker may start during a DNS blip). In a running task it is more likely a DNS blip (a restarted
     * resolver), which a wait cures: transient, with the key to check if it lasts. A resolver that says
     * the failure is temporary (EAI_AGAIN) is transient everywhere.
     */
    private IOException unknownHost(String what, S3Request request, UnknownHostException unknownHost,
                                    SdkException e) {
        String key = customEndpoint ? StorageConfig.S3_ENDPOINT : StorageConfig.S3_REGION;
        String host = customEndpoint
                ? "the host of " + StorageConfig.S3_ENDPOINT
                : "the S3 endpoint of the configured region";
        boolean temporary = String.valueOf(unknownHost.getMessage()).toLowerCase(Locale.ROOT)
                .contains("temporary failure in name resolution");
        if (request.isAccessCheck() && !temporary) {
            return new StoreAccessException(key, what + ": " + host + " is unknown (" + unknownHost.getMessage()
                    + "); " + (customEndpoint ? "check its spelling"
                    : "check " + StorageConfig.S3_REGION + ", or set " + StorageConfig.S3_ENDPOINT
                    + " for an S3-compatible store"), e);
        }
        return new IOException(what + ": " + host + " does not resolve (" + unknownHost.getMessage()
                + "); a DNS blip passes, so this is worth a wait; if it lasts, check " + key, e);
    }

    private IOException classifyAnswer(String what, String object, S3Request request, AwsServiceException e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String storeMessage = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String answer = " (S3 answered " + status + (code == null ? "" : " " + code)
                + (storeMessage == null || storeMessage.isBlank() ? "" : ": " + storeMessage) + ")";
        String text = (code + " " + storeMessage).toLowerCase(Locale.ROOT);
        if (code != null && DIGEST_MISMATCHES.contains(code)) {
            return new ChecksumMismatchException(what + ": the store computed another checksum of the body than the "
                    + "one sent, so the body changed on its way; sending it again cures that (this is what the checksum "
                    + "is for: keep " + StorageConfig.S3_CHECKSUM + "; only if every upload is answered so, the store "
                    + "does not understand the checksum headers the AWS SDK sends: then set " + StorageConfig.S3_CHECKSUM
                    + " to NONE)" + answer, e);
        }
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
        if (request == S3Request.GET_OBJECT && "InvalidObjectState".equals(code)) {
            return permanent(StorageConfig.S3_BUCKET, what + ": the object is in an archive storage class (such as "
                    + "Glacier Flexible Retrieval or Deep Archive, where a lifecycle rule of bucket '" + bucket
                    + "' may have moved it); restore s3://" + bucket + "/" + object + " from the archive tier first "
                    + "(S3 RestoreObject) and wait until the restored copy is readable; keep the backup's prefix out of "
                    + "such rules" + answer, e);
        }
        if (request.isUpload() && rejectsChecksum(status, code, text)) {
            return permanent(StorageConfig.S3_CHECKSUM, what + ": the store rejects the " + checksum + " checksum "
                    + "sent with uploads; set " + StorageConfig.S3_CHECKSUM + " to NONE (or to another of CRC32C, "
                    + "CRC32, SHA256 that it supports)" + answer, e);
        }
        if (request.isUpload() && checksum == S3Checksum.NONE && status == 400
                && (text.contains("checksum") || text.contains("content-md5"))) {
            return permanent(StorageConfig.S3_CHECKSUM, what + ": the store requires a checksum with each upload "
                    + "(object lock?); set " + StorageConfig.S3_CHECKSUM + " to CRC32C" + answer, e);
        }
        if (text.contains("object lock") || text.contains("objectlock") || text.contains("retention")) {
            return permanent(StorageConfig.S3_BUCKET, what + ": the object lock of bucket '" + bucket + "' denies "
                    + "the request; use a bucket (or a retention mode) that lets the backup write" + answer, e);
        }
        if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code) || "AccountProblem".equals(code)) {
            return permanent(StorageConfig.S3_BUCKET, what + ": access denied: the credentials need "
                    + request.iamAction() + " on bucket '" + bucket + "' (check the IAM policy of "
                    + StorageConfig.AWS_ACCESS_KEY_ID + " and the bucket policy, which may also demand headers such as "
                    + "server-side encryption)" + answer, e);
        }
        if (status == 400 && ("InvalidRequest".equals(code) || "InvalidArgument".equals(code)
                || "InvalidBucketName".equals(code) || "InvalidEncryptionAlgorithmError".equals(code))) {
            return permanent(StorageConfig.S3_BUCKET, what + ": the store calls the request invalid; bucket '"
                    + bucket + "' may demand headers Lifeboat does not send (such as server-side encryption by "
                    + "a bucket policy); use a bucket without that demand" + answer, e);
        }
        if ("NotImplemented".equals(code) || status == 501) {
            return permanent(StorageConfig.S3_ENDPOINT, what + ": the store does not implement "
                    + request.operation() + ", which Lifeboat needs; use a store that does" + answer, e);
        }
        return new IOException(what + ": " + e.getMessage(), e);
    }

    /**
     * An upload's checksum was refused: the store does not implement checksum headers (NotImplemented,
     * 501), or calls the request invalid and names the checksum header or algorithm. A checksum that did
     * not match ({@link #DIGEST_MISMATCHES}) is not a refusal: the header worked.
     */
    private boolean rejectsChecksum(int status, String code, String text) {
        if (checksum == S3Checksum.NONE) {
            return false;
        }
        if ("NotImplemented".equals(code) || status == 501) {
            return true;
        }
        boolean invalid = status == 400 && ("InvalidRequest".equals(code) || "InvalidArgument".equals(code));
        return invalid && CHECKSUM_HEADER_WORDS.stream().anyMatch(text::contains);
    }

    private static StoreAccessException permanent(String key, String message, Throwable cause) {
        return new StoreAccessException(key, message, cause);
    }
}
