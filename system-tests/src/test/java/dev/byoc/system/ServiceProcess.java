package dev.byoc.system;

import dev.byoc.testsupport.AwsStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One packaged service (target/quarkus-app/quarkus-run.jar) running as its own process. */
final class ServiceProcess implements AutoCloseable {
    /**
     * In a start's environment: the JVM options to use instead of the tests' quick-start ones
     * ({@code -Xmx256m -XX:TieredStopAtLevel=1}, C1 only, which starts fastest on two cores). The
     * bench passes the production ones of bin/byoc-stack, so its CPU figures are the JIT's best.
     */
    static final String JVM_OPTIONS = "BYOC_TEST_JVM_OPTIONS";
    private static final String QUICK_START = "-Xmx256m -XX:TieredStopAtLevel=1";

    private final String name;
    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    static ServiceProcess start(Path root, String module, int port, Map<String, String> env) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: the system tests run after the services are packaged");
        }
        try {
            Path log = Files.createTempFile("byoc-" + module + "-", ".log");
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(env.getOrDefault(JVM_OPTIONS, QUICK_START).trim().split("\\s+")));
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // every service of a system test derives external IDs with the tests' secret, which the
            // AWS stand-in's trust policies were rendered with
            builder.environment().put("BYOC_EXTERNAL_ID_SECRET", AwsStandIn.EXTERNAL_ID_SECRET);
            builder.environment().put("BYOC_AWS_PLATFORM_PRINCIPAL_ARN", AwsStandIn.PLATFORM_PRINCIPAL_ARN);
            // each service logs in to the secured broker as its own principal (named in its config)
            builder.environment().put("KAFKA_SASL_PASSWORD", dev.byoc.testsupport.KafkaBroker.PASSWORD);
            builder.environment().putAll(env);
            builder.environment().remove(JVM_OPTIONS);
            builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            int managementPort = freePort();
            builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            return new ServiceProcess(module, builder.start(), port, managementPort, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Health and metrics: the management interface, on its own port. */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    Path log() {
        return log;
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up): a port from {@code new
     * ServerSocket(0)} is ephemeral, and between closing the probe and the child binding it any
     * outgoing connection (a Kafka or PostgreSQL client) may take it — seen as "Address already in
     * use" on the management interface.
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = random.nextInt(20_000, 32_000);
            try (java.net.ServerSocket socket = new java.net.ServerSocket(candidate, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited:\n" + tail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Waits for the process to end by itself: its exit status, or -1 when it is still running after the timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: no shutdown hooks, no graceful anything — a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
