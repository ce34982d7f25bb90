package io.lifeboat.core.layout;

/**
 * A metadata snapshot's object key and what it names ({@link BackupLayout#snapshotKey}).
 *
 * @param key       the object key
 * @param takenAt   when the snapshot was taken, epoch milliseconds
 * @param connector the backup connector that took it
 */
public record SnapshotKey(String key, long takenAt, String connector) {
}
