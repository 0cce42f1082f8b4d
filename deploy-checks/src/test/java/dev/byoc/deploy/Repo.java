package dev.byoc.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository (the build hands the root to the tests as {@code byoc.root}). */
final class Repo {
    private Repo() {
    }

    static Path root() {
        String root = System.getProperty("byoc.root");
        if (root != null) {
            return Path.of(root);
        }
        // run by hand (exec:java): from the repository root or from this module
        for (Path candidate : new Path[] {Path.of("").toAbsolutePath(), Path.of("..").toAbsolutePath().normalize()}) {
            if (Files.isDirectory(candidate.resolve("deploy/terraform"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("run from the repository root, or through Maven (byoc.root)");
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }
}
