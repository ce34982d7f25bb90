package io.lifeboat.core;

/** The version of Lifeboat, from the jar manifest (set by the build). */
public final class LifeboatVersion {

    public static String get() {
        String version = LifeboatVersion.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    private LifeboatVersion() {
    }
}
