package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh stand-in registry and a CLI runner with its own home directory for every test. */
abstract class RegistryTestBase {
    @TempDir
    Path home;
    FakeRegistry registry;
    /** Talks to {@link #registry} through BYOC_URL / BYOC_API_KEY. */
    CliRunner cli;

    @BeforeEach
    void startRegistry() throws Exception {
        registry = new FakeRegistry();
        cli = CliRunner.against(registry, home);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    /** A runner in the same home with no BYOC_URL / BYOC_API_KEY: only what `byoc login` stored. */
    CliRunner withoutEnvironment() {
        return new CliRunner(home);
    }

    /** An executable shell script in the home directory, e.g. to stand in for $EDITOR. */
    Path script(String name, String content) throws Exception {
        Path file = home.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** The AWS part of a Grid-shaped request or cluster: {@code spec.driver.kubernetes.aws}. */
    static JsonNode aws(JsonNode request) {
        return request.path("spec").path("driver").path("kubernetes").path("aws");
    }
}
