package io.lifeboat.core.storage;

import java.util.List;

/**
 * One level of a store under a prefix ({@link ObjectStore#listFolder}).
 *
 * @param objects the objects directly under the prefix, in key order
 * @param folders the folders directly under it ({@code prefix + name + "/"}), in key order
 */
public record FolderListing(List<StoredObject> objects, List<String> folders) {

    public FolderListing {
        objects = List.copyOf(objects);
        folders = List.copyOf(folders);
    }
}
