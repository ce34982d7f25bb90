package io.lifeboat.core.storage;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blob store for {@link S3ProxyServer} that answers chosen requests with real S3 errors, which
 * clients receive over HTTP as S3 sends them (status code, error code, message):
 * <ul>
 *   <li>{@code failingParts}, {@code failingLists}, {@code failingGets}, {@code failingPuts}: that many
 *       part uploads, listings, GetObjects or PutObjects answered with {@code 503} (or
 *       {@code putError}, when set; GetObjects with {@code getError}, when set);</li>
 *   <li>{@code failingDeletes}: that many DeleteObjects answered with {@code deleteError};</li>
 *   <li>{@code delimitedListsNotImplemented}: every listing with a delimiter answered with 501
 *       NotImplemented, as stores that only list flat do;</li>
 *   <li>{@code rejectedPart}: the upload of that part number answered with 400 InvalidRequest;</li>
 *   <li>{@code rejectChecksums}: every multipart upload that announces a checksum algorithm answered
 *       with 400 InvalidArgument, as stores without checksum support do ({@code checksummedUploads}
 *       counts those announcements). S3Proxy does not hand a PutObject's checksum headers to the
 *       blob store, so single-part uploads cannot be told apart here;</li>
 *   <li>{@code denyPutsUnder}: every PutObject and multipart upload under that prefix answered with
 *       403 AccessDenied, as S3 does without s3:PutObject;</li>
 *   <li>{@code aborts}: counts aborted multipart uploads.</li>
 * </ul>
 */
public final class FaultyBlobStore extends ForwardingBlobStore {

    /** What to inject; shared with the test, which changes it while the server runs. */
    public static final class Faults {
        public final AtomicInteger failingParts = new AtomicInteger();
        public final AtomicInteger failingLists = new AtomicInteger();
        public final AtomicInteger failingGets = new AtomicInteger();
        public final AtomicInteger failingPuts = new AtomicInteger();
        public final AtomicInteger failingDeletes = new AtomicInteger();
        public final AtomicInteger aborts = new AtomicInteger();
        public final AtomicInteger checksummedUploads = new AtomicInteger();
        public volatile S3Exception putError;
        public volatile S3Exception getError;
        public volatile S3Exception deleteError;
        public volatile boolean delimitedListsNotImplemented;
        public volatile int rejectedPart;
        public volatile boolean rejectChecksums;
        public volatile String denyPutsUnder;

        public void reset() {
            failingParts.set(0);
            failingLists.set(0);
            failingGets.set(0);
            failingPuts.set(0);
            failingDeletes.set(0);
            aborts.set(0);
            checksummedUploads.set(0);
            putError = null;
            getError = null;
            deleteError = null;
            delimitedListsNotImplemented = false;
            rejectedPart = 0;
            rejectChecksums = false;
            denyPutsUnder = null;
        }
    }

    private final Faults faults;

    public FaultyBlobStore(BlobStore delegate, Faults faults) {
        super(delegate);
        this.faults = faults;
    }

    /** An S3 error answer with its error code and message, as S3 sends it. */
    public static S3Exception answer(int status, String code, String message) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                        .build())
                .build();
    }

    public static S3Exception accessDenied() {
        return answer(403, "AccessDenied", "Access Denied");
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        if (denied(request.key())) {
            drain(content);
            throw accessDenied();
        }
        if (faults.failingPuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            drain(content);
            S3Exception error = faults.putError;
            throw error != null ? error : S3Exceptions.fromStatusCode(503);
        }
        return super.putBlob(request, content);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        if (denied(request.key())) {
            throw accessDenied();
        }
        if (request.checksumAlgorithm() != null) {
            faults.checksummedUploads.incrementAndGet();
            if (faults.rejectChecksums) {
                throw answer(400, "InvalidArgument", "x-amz-checksum-algorithm is not supported");
            }
        }
        return super.initiateMultipartUpload(request);
    }

    private boolean denied(String key) {
        String prefix = faults.denyPutsUnder;
        return prefix != null && key != null && key.startsWith(prefix);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
                                                  InputStream content) {
        if (faults.failingParts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw S3Exceptions.fromStatusCode(503);
        }
        if (request.partNumber() == faults.rejectedPart) {
            drain(content); // an answer before the body is read breaks the connection, which the SDK retries
            throw S3Exceptions.invalidRequest("injected failure");
        }
        if (faults.rejectChecksums && (request.checksumAlgorithm() != null || request.checksumCRC32C() != null)) {
            drain(content);
            throw answer(400, "InvalidArgument", "x-amz-checksum-crc32c is not supported");
        }
        return super.uploadMultipartPart(upload, request, content);
    }

    private static void drain(InputStream content) {
        try {
            content.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        if (faults.delimitedListsNotImplemented && request.delimiter() != null) {
            throw answer(501, "NotImplemented", "A header you provided implies functionality that is not implemented");
        }
        if (faults.failingLists.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw S3Exceptions.fromStatusCode(503);
        }
        return super.list(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        if (faults.failingGets.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            S3Exception error = faults.getError;
            throw error != null ? error : answer(503, "SlowDown", "Please reduce your request rate.");
        }
        return super.getBlob(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        if (faults.failingDeletes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw faults.deleteError;
        }
        return super.removeBlob(request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        faults.aborts.incrementAndGet();
        super.abortMultipartUpload(upload);
    }
}
