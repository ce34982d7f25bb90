package io.lifeboat.core.storage;

/** One object of a listing: its key and size in bytes. */
public record StoredObject(String key, long size) {
}
