package dev.byoc.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh stand-in registry and a CLI runner with its own home directory for every test. */
abstract class RegistryTestBase {
    @TempDir
    Path home;
    FakeRegistry registry;
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
}
