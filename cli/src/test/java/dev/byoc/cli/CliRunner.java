package dev.byoc.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Runs picocli in-process with its own environment, home, stdin and captured stdout/stderr. */
final class CliRunner {
    record Result(int exit, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Map<String, String> vars = new HashMap<>();
    final Path home;
    String stdin = "";
    boolean stdinTty;
    boolean stdoutTty;
    boolean stderrTty;
    Clock clock = Clock.systemUTC();

    CliRunner(Path home) {
        this.home = home;
    }

    /** Talks to this registry with the right key (through BYOC_URL / BYOC_API_KEY). */
    static CliRunner against(FakeRegistry registry, Path home) {
        CliRunner runner = new CliRunner(home);
        runner.vars.put("BYOC_URL", registry.url());
        runner.vars.put("BYOC_API_KEY", FakeRegistry.KEY);
        return runner;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(Map.copyOf(vars), home, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                stdinTty, stdoutTty, stderrTty, clock);
        long start = System.nanoTime();
        int exit = Byoc.run(env, args);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), millis);
    }
}
