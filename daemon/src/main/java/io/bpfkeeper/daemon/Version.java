package io.bpfkeeper.daemon;

/** The version this build reports, from the jar manifest (unknown when run from classes). */
final class Version {

    private Version() {
    }

    static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }
}
