package io.lifeboat.core.storage;

import java.io.FileNotFoundException;

/** The object asked for does not exist in the store. */
public class NoSuchObjectException extends FileNotFoundException {
    private static final long serialVersionUID = 1L;

    public NoSuchObjectException(String key, String store) {
        super("object " + key + " does not exist in " + store);
    }
}
