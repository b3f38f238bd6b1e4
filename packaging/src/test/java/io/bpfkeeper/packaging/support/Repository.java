package io.bpfkeeper.packaging.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the tests find the checkout and what the build made of it; the Maven build says where. */
public final class Repository {

    private Repository() {
    }

    /** The checkout's root, which holds bin/, systemd/ and packaging/. */
    public static Path root() {
        return Path.of(property("bpfkeeper.repository")).toAbsolutePath().normalize();
    }

    /** The .deb that this module's package phase built. */
    public static Path debianPackage() {
        Path directory = Path.of(property("bpfkeeper.packageDirectory"));
        List<Path> packages = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, "bpfkeeper_*_amd64.deb")) {
            found.forEach(packages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (packages.size() != 1) {
            throw new IllegalStateException("expected one bpfkeeper .deb in " + directory + ", found " + packages
                    + ": run 'mvn clean verify'");
        }
        return packages.get(0);
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: run these tests through Maven (mvn verify), whose"
                    + " build of the packaging module sets it");
        }
        return value;
    }
}
