package io.lifeboat.core.storage;

import io.lifeboat.core.config.S3Checksum;
import io.lifeboat.core.config.StorageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classifier on the exceptions the SDK really throws: {@link S3Exception}s built as the SDK builds them
 * from an error answer (status, error code, message), and client exceptions with the cause the HTTP client
 * gives them.
 */
class S3ErrorClassifierTest {

    private static final String BUCKET = "b";
    private final S3ErrorClassifier crc32c = new S3ErrorClassifier(BUCKET, true, S3Checksum.CRC32C);
    private final S3ErrorClassifier onAws = new S3ErrorClassifier(BUCKET, false, S3Checksum.CRC32C);
    private final S3ErrorClassifier noChecksum = new S3ErrorClassifier(BUCKET, true, S3Checksum.NONE);

    // --- a checksum that did not match is the checksum doing its job: retried ---

    @ParameterizedTest
    @ValueSource(strings = {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch"})
    void aChecksumMismatchInTransitIsTransientAndKeepsTheChecksum(String code) {
        for (S3Request upload : new S3Request[]{S3Request.PUT_OBJECT, S3Request.UPLOAD_PART}) {
            IOException e = crc32c.classify("upload", "p/segments/k", upload, null,
                    answer(400, code, "The CRC32C you specified did not match the calculated checksum."));

            assertTransient(e);
            assertTrue(e.getMessage().contains("sending it again") && e.getMessage().contains(code), e.getMessage());
            assertInstanceOf(ChecksumMismatchException.class, e);
            assertTrue(e.getMessage().contains("keep " + StorageConfig.S3_CHECKSUM + "; only if every upload"),
                    "the first advice keeps the protection: " + e.getMessage());
        }
    }

    // --- the checksum rule: uploads only, and only a refusal of the header ---

    @ParameterizedTest
    @EnumSource(value = S3Request.class, names = {"PUT_OBJECT", "CREATE_MULTIPART_UPLOAD", "UPLOAD_PART",
            "COMPLETE_MULTIPART_UPLOAD"})
    void anUploadAnsweredNotImplementedBlamesTheChecksum(S3Request upload) {
        assertPermanent(crc32c.classify("upload", "k", upload, null,
                answer(501, "NotImplemented", "A header you provided implies functionality that is not implemented")),
                StorageConfig.S3_CHECKSUM, StorageConfig.S3_CHECKSUM + " to NONE");
    }

    @Test
    void anInvalidArgumentNamingTheChecksumHeaderBlamesTheChecksum() {
        assertPermanent(crc32c.classify("upload", "k", S3Request.CREATE_MULTIPART_UPLOAD, null,
                answer(400, "InvalidArgument", "x-amz-checksum-algorithm is not supported")),
                StorageConfig.S3_CHECKSUM, "rejects the CRC32C checksum");
        assertPermanent(crc32c.classify("upload", "k", S3Request.PUT_OBJECT, null,
                answer(400, "InvalidRequest", "Unsupported checksum algorithm: CRC32C")),
                StorageConfig.S3_CHECKSUM, "rejects the CRC32C checksum");
    }

    @Test
    void anotherAnswerThatMentionsAChecksumIsNotARefusedHeader() {
        assertPermanent(crc32c.classify("upload", "k", S3Request.PUT_OBJECT, null,
                answer(400, "InvalidRequest", "The bucket policy requires server-side encryption")),
                StorageConfig.S3_BUCKET, "server-side encryption");
        // a 400 with another code that mentions the checksum is neither a refusal nor a setting
        IOException e = crc32c.classify("upload", "k", S3Request.PUT_OBJECT, null,
                answer(400, "SomethingElse", "checksum of the part was not what we expected"));
        assertTransient(e);
    }

    @Test
    void aNotImplementedDelimitedListingNamesTheListingNotTheChecksum() {
        IOException e = crc32c.classify("list", "p/*", S3Request.LIST_FOLDER, null,
                answer(501, "NotImplemented", "A header you provided implies functionality that is not implemented"));

        assertPermanent(e, StorageConfig.S3_ENDPOINT, "does not implement ListObjectsV2 with a delimiter");
        assertFalse(e.getMessage().contains(StorageConfig.S3_CHECKSUM), e.getMessage());
    }

    @Test
    void aNotImplementedDeleteNamesTheDeleteNotTheChecksum() {
        IOException e = crc32c.classify("delete", "p/_lifeboat/write-check/c-0", S3Request.DELETE_OBJECT, null,
                answer(501, "NotImplemented", "not implemented"));

        assertPermanent(e, StorageConfig.S3_ENDPOINT, "does not implement DeleteObject");
        assertFalse(e.getMessage().contains(StorageConfig.S3_CHECKSUM), e.getMessage());
    }

    @Test
    void aNotImplementedUploadWithoutAChecksumNamesTheUpload() {
        IOException e = noChecksum.classify("upload", "k", S3Request.UPLOAD_PART, "2 of 3",
                answer(501, "NotImplemented", "not implemented"));

        assertPermanent(e, StorageConfig.S3_ENDPOINT, "does not implement UploadPart");
        assertTrue(e.getMessage().contains("(UploadPart 2 of 3)"), e.getMessage());
    }

    @Test
    void aListingThatMentionsAChecksumIsNotBlamedOnTheChecksumKey() {
        IOException e = noChecksum.classify("list", "p/*", S3Request.LIST_OBJECTS, null,
                answer(400, "InvalidArgument", "Content-MD5 checksum is required"));

        assertPermanent(e, StorageConfig.S3_BUCKET, "calls the request invalid");
    }

    @Test
    void anUploadWithoutAChecksumThatTheStoreDemandsNamesTheChecksumKey() {
        assertPermanent(noChecksum.classify("upload", "k", S3Request.PUT_OBJECT, null,
                answer(400, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put "
                        + "Object requests with Object Lock parameters")),
                StorageConfig.S3_CHECKSUM, "to CRC32C");
    }

    // --- an endpoint host that does not resolve ---

    @Test
    void anUnknownHostAtTheAccessCheckIsPermanentAndNamesTheKey() {
        assertPermanent(crc32c.classify("list", "p/*", S3Request.ACCESS_CHECK, null,
                clientFailure(new UnknownHostException("minio.internal"))),
                StorageConfig.S3_ENDPOINT, "check its spelling");
        assertPermanent(onAws.classify("list", "p/*", S3Request.ACCESS_CHECK, null,
                clientFailure(new UnknownHostException("b.s3.eu-wset-1.amazonaws.com"))),
                StorageConfig.S3_REGION, "check " + StorageConfig.S3_REGION);
    }

    @ParameterizedTest
    @EnumSource(value = S3Request.class, names = "ACCESS_CHECK", mode = EnumSource.Mode.EXCLUDE)
    void anUnknownHostInARunningTaskIsTransientAndNamesTheKeyToCheck(S3Request request) {
        IOException e = crc32c.classify("upload", "k", request, null,
                clientFailure(new UnknownHostException("minio.internal")));
        assertTransient(e);
        assertTrue(e.getMessage().contains("minio.internal") && e.getMessage().contains("check "
                + StorageConfig.S3_ENDPOINT), e.getMessage());

        IOException aws = onAws.classify("get", "k", request, null,
                clientFailure(new UnknownHostException("b.s3.eu-west-1.amazonaws.com")));
        assertTransient(aws);
        assertTrue(aws.getMessage().contains("check " + StorageConfig.S3_REGION), aws.getMessage());
    }

    @Test
    void aTemporaryFailureInNameResolutionIsTransientEvenAtTheAccessCheck() {
        IOException e = crc32c.classify("list", "p/*", S3Request.ACCESS_CHECK, null,
                clientFailure(new UnknownHostException("minio.internal: Temporary failure in name resolution")));

        assertTransient(e);
        assertTrue(e.getMessage().contains(StorageConfig.S3_ENDPOINT), e.getMessage());
    }

    // --- an object in an archive storage class ---

    @Test
    void anArchivedObjectIsPermanentAndSaysToRestoreItFirst() {
        IOException e = crc32c.classify("get", "p/segments/orders/0/00000000000000000000.seg", S3Request.GET_OBJECT,
                null, answer(403, "InvalidObjectState", "The operation is not valid for the object's storage class"));

        assertPermanent(e, StorageConfig.S3_BUCKET, "restore s3://b/p/segments/orders/0/00000000000000000000.seg "
                + "from the archive tier first");
        assertTrue(e.getMessage().contains("403 InvalidObjectState"), e.getMessage());
    }

    // --- unchanged: a few cases around the new rules ---

    @Test
    void anUnavailableStoreStaysTransient() {
        assertTransient(crc32c.classify("upload", "k", S3Request.PUT_OBJECT, null,
                answer(503, "SlowDown", "Please reduce your request rate.")));
        assertTransient(crc32c.classify("get", "k", S3Request.GET_OBJECT, null,
                answer(503, null, null))); // an answer without a body (HEAD, some proxies) has no error code
        assertTransient(crc32c.classify("upload", "k", S3Request.PUT_OBJECT, null,
                clientFailure(new java.net.ConnectException("Connection refused"))));
    }

    @Test
    void aDeniedRequestNamesItsPermission() {
        assertPermanent(crc32c.classify("delete", "k", S3Request.DELETE_OBJECT, null,
                answer(403, "AccessDenied", "Access Denied")), StorageConfig.S3_BUCKET, "s3:DeleteObject");
    }

    /** An error answer as the SDK's response handler builds it. */
    private static S3Exception answer(int status, String code, String message) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("S3")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                        .build())
                .build();
    }

    /** A request that got no answer, as the SDK reports a failure of the HTTP client. */
    private static SdkException clientFailure(Exception cause) {
        return SdkClientException.builder().message("Received an UnknownHostException when attempting to interact "
                + "with a service. See cause for the exact endpoint that is failing to resolve.")
                .cause(cause).build();
    }

    private static void assertTransient(IOException e) {
        assertFalse(e instanceof StoreAccessException, "a wait cures it: " + e.getMessage());
        assertTrue(StoreAccessException.permanentCause(e).isEmpty(), e.getMessage());
    }

    private static void assertPermanent(IOException e, String key, String text) {
        StoreAccessException access = assertInstanceOf(StoreAccessException.class, e, e.getMessage());
        assertEquals(key, access.configKey(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
