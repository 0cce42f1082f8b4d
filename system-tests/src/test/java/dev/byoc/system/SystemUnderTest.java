package dev.byoc.system;

import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The three packaged services as processes, on the real broker and PostgreSQL, with the AWS
 * stand-in: the system exactly as bin/byoc-stack runs it, on free ports and a fresh database.
 */
final class SystemUnderTest implements AutoCloseable {
    static final String ADMIN_KEY = "system-test-admin-key";
    /** The registry's and the provisioner's shared secret of the provisioner's internal API. */
    static final String INTERNAL_API_SECRET = "system-test-internal-api-secret-0123456789";

    final KafkaBroker kafka;
    final PostgresServer postgres;
    /** The services' database on {@link #postgres}. */
    final String database;
    final AwsStandIn aws;
    // not final: restart() replaces a crashed service with a new process on the same port
    volatile ServiceProcess registry;
    volatile ServiceProcess provisioner;
    volatile ServiceProcess monitor;
    private final List<ServiceProcess> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Path root;
    private final Map<String, String> env = new HashMap<>();

    SystemUnderTest() throws Exception {
        this(PostgresServer.shared());
    }

    /** On the given PostgreSQL (e.g. one of its own that the test stops). */
    SystemUnderTest(PostgresServer postgres) throws Exception {
        this(postgres, KafkaBroker.shared());
    }

    /** On the given PostgreSQL and broker (e.g. ones of its own that the test stops and starts). */
    SystemUnderTest(PostgresServer postgres, KafkaBroker kafka) throws Exception {
        root = Path.of(System.getProperty("byoc.root"));
        this.kafka = kafka;
        kafka.createTopics(KafkaResource.TOPICS);
        this.postgres = postgres;
        this.database = postgres.createDatabase("byoc_system");
        aws = AwsStandIn.shared();

        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("BYOC_DB_URL", postgres.url(database));
        env.put("BYOC_DB_USER", postgres.user());
        env.put("BYOC_BOOTSTRAP_API_KEY", ADMIN_KEY);
        env.put("AWS_ENDPOINT_URL", aws.endpoint());
        env.put("AWS_ACCESS_KEY_ID", "AKIAPLATFORMSYSTEST1");
        env.put("AWS_SECRET_ACCESS_KEY", "system-test-secret");
        env.put("AWS_REGION", "us-east-1");
        // a quick rhythm so the walk-through takes seconds, as in the dev profile
        env.put("BYOC_MONITOR_POLL_INTERVAL", "2s");
        env.put("BYOC_MONITOR_POLL_JITTER", "0s");
        env.put("BYOC_AWS_ASSUME_ROLE_RETRY_WINDOW", "5s");
        // every cluster of the system tests is in the stand-in's one account: its per-account limit
        // would pace the whole fleet (a real fleet spreads over many accounts)
        env.put("BYOC_MONITOR_ACCOUNT_POLLS_PER_SECOND", "1000");

        // the registry asks the provisioner's internal API for teardown previews: its port is chosen first
        int provisionerPort = freePort();
        env.put("BYOC_INTERNAL_API_SECRET", INTERNAL_API_SECRET);
        env.put("BYOC_INTERNAL_API_PROVISIONER_URL", "http://127.0.0.1:" + provisionerPort);

        registry = start(root, "registry-service", env);
        provisioner = ServiceProcess.start(root, "provisioner-service", provisionerPort, env);
        all.add(provisioner);
        monitor = start(root, "monitor-service", env);
        for (ServiceProcess service : all) {
            service.awaitReady(Duration.ofSeconds(90));
        }
    }

    private ServiceProcess start(Path root, String module, Map<String, String> env) throws Exception {
        ServiceProcess process = ServiceProcess.start(root, module, freePort(), env);
        all.add(process);
        return process;
    }

    /**
     * SIGKILL of one service (no shutdown hook runs: a crash), then a new process of it on the same
     * port, waited for until ready.
     */
    void crashAndRestart(String module) throws Exception {
        restart(module, Map.of());
    }

    /**
     * SIGKILL of one service (when it still runs), then a new process of it on the same port with
     * {@code extraEnv} on top of the system's environment (e.g. {@code BYOC_CRASH_AT}), waited for
     * until ready.
     */
    void restart(String module, Map<String, String> extraEnv) throws Exception {
        ServiceProcess old = process(module);
        old.kill();
        all.remove(old);
        int port = Integer.parseInt(old.url().substring(old.url().lastIndexOf(':') + 1));
        Map<String, String> withExtra = new HashMap<>(env);
        withExtra.putAll(extraEnv);
        ServiceProcess fresh = ServiceProcess.start(root, module, port, withExtra);
        all.add(fresh);
        switch (module) {
            case "registry-service" -> registry = fresh;
            case "provisioner-service" -> provisioner = fresh;
            default -> monitor = fresh;
        }
        fresh.awaitReady(Duration.ofSeconds(90));
    }

    ServiceProcess process(String module) {
        return switch (module) {
            case "registry-service" -> registry;
            case "provisioner-service" -> provisioner;
            case "monitor-service" -> monitor;
            default -> throw new IllegalArgumentException(module);
        };
    }

    /** Another replica of a service on the same broker and database (closed with the system). */
    ServiceProcess replica(String module) throws Exception {
        ServiceProcess replica = start(root, module, env);
        replica.awaitReady(Duration.ofSeconds(90));
        return replica;
    }

    String logs() {
        StringBuilder logs = new StringBuilder();
        for (ServiceProcess service : all) {
            logs.append("---- ").append(service.url()).append('\n').append(service.tail()).append('\n');
        }
        return logs.toString();
    }

    private static int freePort() throws Exception {
        return ServiceProcess.freePort();
    }

    @Override
    public void close() {
        all.forEach(ServiceProcess::close);
    }
}
