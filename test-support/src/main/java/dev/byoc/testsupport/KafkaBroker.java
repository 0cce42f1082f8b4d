package dev.byoc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import dev.byoc.contracts.bus.BusPrincipals;
import dev.byoc.contracts.bus.BusSecurity;

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller) in its own JVM, from the jars the
 * {@code stack} module gathers. One per test JVM, on free loopback ports, stopped at JVM exit.
 * With {@code BYOC_TEST_INFRA=testcontainers} and a Docker engine, the shared broker is a
 * container instead, with the same SASL/SCRAM listeners, ACLs and principals (brokers started with {@link #start()}, which tests pause and restart, are
 * always processes).
 */
public final class KafkaBroker {
    /** The broker's super user (creates the principals, their ACLs and the topics). */
    public static final String ADMIN = "admin";
    /**
     * Every principal of {@link BusPrincipals} logs in with this password in tests: they stay
     * distinct principals, each held to its own ACLs.
     */
    public static final String PASSWORD = "byoc-test-kafka-password";

    private static KafkaBroker shared;

    private Process process;
    private Runnable stopContainer;
    private final List<String> command;
    private final String bootstrapServers;
    private final Path logFile;
    private final Path dir;

    private KafkaBroker(Process process, List<String> command, String bootstrapServers, Path dir) {
        this.process = process;
        this.command = command;
        this.bootstrapServers = bootstrapServers;
        this.dir = dir;
        this.logFile = dir.resolve("broker.log");
    }


    /** Client settings to log in as {@code principal} (with its test password), or as nobody. */
    public Map<String, Object> clientSettings(String principal) {
        Map<String, Object> settings = new java.util.HashMap<>();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (principal != null) {
            settings.put("security.protocol", "SASL_PLAINTEXT");
            settings.put("sasl.mechanism", "SCRAM-SHA-512");
            settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + principal + "\" password=\"" + PASSWORD + "\";");
        }
        return settings;
    }

    /** As the super user. */
    public Map<String, Object> adminSettings() {
        return clientSettings(ADMIN);
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null || (shared.process != null && !shared.process.isAlive())) {
            shared = Containers.requested() && Containers.dockerAvailable() ? inContainer() : start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    private static KafkaBroker inContainer() {
        Containers.Started kafka = Containers.kafka();
        try {
            KafkaBroker broker = new KafkaBroker(null, List.of(), kafka.address(), Files.createTempDirectory("byoc-kafka-"));
            broker.stopContainer = kafka.stop();
            broker.createPrincipals();
            return broker;
        } catch (IOException | RuntimeException e) {
            kafka.stop().run();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The super user's SCRAM credential, written at storage format time (KRaft's bootstrap). */
    static String bootstrapScram() {
        return "SCRAM-SHA-512=[name=" + ADMIN + ",password=" + PASSWORD + "]";
    }

    /** Every {@link BusPrincipals} principal with the test password, and its ACLs. */
    private void createPrincipals() {
        Map<String, String> passwords = new java.util.TreeMap<>();
        BusPrincipals.ALL.forEach(p -> passwords.put(p.name(), PASSWORD));
        try {
            BusSecurity.apply(adminSettings(), passwords);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the bus principals and ACLs", e);
        }
    }

    public static KafkaBroker start() {
        Path root = Ports.repositoryRoot();
        Path libs = root.resolve("stack/target/kafka-libs");
        Path log4j = root.resolve("stack/target/classes/kafka-log4j2.properties");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("Kafka broker jars missing at " + libs + ": run ./mvnw verify from the root");
        }
        int port = Ports.free();
        Listeners listeners = new Listeners("127.0.0.1", port, "127.0.0.1:" + port, Ports.free(), Ports.free());
        try {
            Path dir = Files.createTempDirectory("byoc-kafka-");
            Path properties = dir.resolve("server.properties");
            Files.writeString(properties, serverProperties(listeners, dir.resolve("data")));
            Path logFile = dir.resolve("broker.log");
            String classpath = libs.toAbsolutePath() + "/*";
            List<String> jvm = List.of(Ports.javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath(), "-cp", classpath);

            List<String> format = new ArrayList<>(jvm);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString(),
                    "-c", properties.toString(), "--add-scram", bootstrapScram()));
            Process formatting = new ProcessBuilder(format).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
                throw new IllegalStateException("formatting Kafka storage failed; see " + dir.resolve("format.log"));
            }

            List<String> run = new ArrayList<>(jvm);
            run.addAll(List.of("kafka.Kafka", properties.toString()));
            Process broker = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            KafkaBroker started = new KafkaBroker(broker, run, "127.0.0.1:" + port, dir);
            started.awaitReady(Duration.ofSeconds(60));
            started.createPrincipals();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int startedLines() throws IOException {
        return Files.readString(logFile).split("Kafka Server started", -1).length - 1;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        int startedBefore = Files.exists(logFile) ? startedLines() : 0;
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited; see " + logFile);
            }
            if (Files.exists(logFile) && startedLines() > startedBefore) {
                return;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Kafka broker not ready after " + timeout + "; see " + logFile);
    }

    /** Creates topics (ignoring ones that exist) so consumers get partitions without waiting for auto-creation. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        try (Admin admin = Admin.create(adminSettings())) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                    .filter(e -> !existing.contains(e.getKey()))
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                    .toList();
            if (!topics.isEmpty()) {
                admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + partitionsByTopic.keySet(), e);
        }
    }

    /** Stops the broker process but keeps its data and ports, for {@link #restart()}. */
    public void pause() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the same broker again (same ports, same data). */
    public void restart() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            awaitReady(Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void stop() {
        if (stopContainer != null) {
            stopContainer.run();
            deleteRecursively(dir);
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path path) {
        try (var paths = Files.walk(path)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }

    /** Where the broker listens: clients, the broker's own replication listener, the controller. */
    record Listeners(String bindHost, int clientPort, String advertisedClient, int brokerPort, int controllerPort) {
    }

    static String serverProperties(Listeners at, Path dataDir) {
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN
                + "\" password=\"" + PASSWORD + "\";";
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + at.controllerPort(),
                "listeners=SASL_PLAINTEXT://" + at.bindHost() + ":" + at.clientPort() + ",BROKER://" + at.bindHost() + ":"
                        + at.brokerPort() + ",CONTROLLER://127.0.0.1:" + at.controllerPort(),
                // clients reach the broker at the advertised address (a container's mapped port);
                // the broker talks to itself on a listener only it uses
                "advertised.listeners=SASL_PLAINTEXT://" + at.advertisedClient() + ",BROKER://127.0.0.1:" + at.brokerPort(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=BROKER",
                // the controller listener authenticates too (PLAIN: SCRAM needs the metadata it serves)
                "listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                        + "required username=\"" + ADMIN + "\" password=\"" + PASSWORD + "\" user_" + ADMIN + "=\"" + PASSWORD + "\";",
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=" + scram,
                "listener.name.broker.scram-sha-512.sasl.jaas.config=" + scram,
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:" + ADMIN,
                "log.dirs=" + dataDir,
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "") ;
    }
}
