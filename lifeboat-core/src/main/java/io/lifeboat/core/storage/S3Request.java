package io.lifeboat.core.storage;

/**
 * The S3 requests {@link S3ObjectStore} sends, with what {@link S3ErrorClassifier} needs to judge a
 * failed one: its name in messages, the IAM action it needs, whether it is part of an upload (the only
 * requests that carry {@code s3.checksum.algorithm}'s checksum), and whether it is the access check at
 * start, where an endpoint host that does not resolve is a setting to fix rather than a blip to wait out.
 */
enum S3Request {
    PUT_OBJECT("PutObject", "s3:PutObject", Kind.UPLOAD),
    CREATE_MULTIPART_UPLOAD("CreateMultipartUpload", "s3:PutObject", Kind.UPLOAD),
    UPLOAD_PART("UploadPart", "s3:PutObject", Kind.UPLOAD),
    COMPLETE_MULTIPART_UPLOAD("CompleteMultipartUpload", "s3:PutObject", Kind.UPLOAD),
    GET_OBJECT("GetObject", "s3:GetObject", Kind.OTHER),
    LIST_OBJECTS("ListObjectsV2", "s3:ListBucket", Kind.OTHER),
    LIST_FOLDER("ListObjectsV2 with a delimiter", "s3:ListBucket", Kind.OTHER),
    DELETE_OBJECT("DeleteObject", "s3:DeleteObject", Kind.OTHER),
    /** The one-key listing of {@link ObjectStore#checkAccess}: validate and a task's start. */
    ACCESS_CHECK("ListObjectsV2", "s3:ListBucket", Kind.ACCESS_CHECK);

    private enum Kind { UPLOAD, ACCESS_CHECK, OTHER }

    private final String operation;
    private final String iamAction;
    private final Kind kind;

    S3Request(String operation, String iamAction, Kind kind) {
        this.operation = operation;
        this.iamAction = iamAction;
        this.kind = kind;
    }

    /** The S3 operation, such as "PutObject". */
    String operation() {
        return operation;
    }

    /** The permission the request needs, such as "s3:PutObject". */
    String iamAction() {
        return iamAction;
    }

    /** Whether the request carries the upload checksum of {@code s3.checksum.algorithm}. */
    boolean isUpload() {
        return kind == Kind.UPLOAD;
    }

    /** Whether the request is the access check of validate and of a task's start. */
    boolean isAccessCheck() {
        return kind == Kind.ACCESS_CHECK;
    }
}
