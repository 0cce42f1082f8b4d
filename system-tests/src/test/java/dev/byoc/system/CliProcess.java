package dev.byoc.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real `byoc` jar as a process, with no BYOC_URL/BYOC_API_KEY: only what `byoc login` stored under {@code config}. */
final class CliProcess {
    record Run(int exit, String out, String err) {
    }

    private CliProcess() {
    }

    static Run run(Path config, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("byoc.root"), "cli/target/byoc.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("BYOC_URL");
        builder.environment().remove("BYOC_API_KEY");
        builder.environment().put("XDG_CONFIG_HOME", config.toString());
        Path out = Files.createTempFile("byoc-out", ".txt");
        Path err = Files.createTempFile("byoc-err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("byoc " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
