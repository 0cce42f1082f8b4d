package dev.byoc.testsupport;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers, for machines with a Docker engine. The build's own broker needs only Java, so it
 * stays the default; {@code BYOC_TEST_INFRA=testcontainers} runs Kafka and PostgreSQL in containers
 * instead, and PostgreSQL also comes from a container when none answers and none is installed.
 * Images: {@code BYOC_TEST_KAFKA_IMAGE} (apache/kafka:4.0.0), {@code BYOC_TEST_POSTGRES_IMAGE}
 * (postgres:16-alpine).
 */
final class Containers {
    /** A started container: where it listens, and how to stop it. */
    record Started(String host, int port, String address, Runnable stop) {
    }

    private Containers() {
    }

    static boolean requested() {
        return "testcontainers".equalsIgnoreCase(System.getenv("BYOC_TEST_INFRA"));
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    static Started kafka() {
        SecuredKafka kafka = new SecuredKafka(DockerImageName.parse(
                System.getenv().getOrDefault("BYOC_TEST_KAFKA_IMAGE", "apache/kafka:4.0.0")));
        kafka.start();
        return new Started(kafka.getHost(), kafka.getMappedPort(SecuredKafka.CLIENT_PORT), kafka.bootstrapServers(), kafka::stop);
    }

    /**
     * The apache/kafka image with the build broker's own configuration: SASL/SCRAM listeners,
     * {@code StandardAuthorizer}, the super user's SCRAM credential at format time. Testcontainers'
     * {@code KafkaContainer} has no SASL option, so this starts the image's scripts itself. The
     * advertised address is the mapped port, known only once the container runs: the command waits
     * for the start script that {@link #containerIsStarting} copies in (the way {@code KafkaContainer}
     * does it).
     */
    static final class SecuredKafka extends GenericContainer<SecuredKafka> {
        static final int CLIENT_PORT = 9092;
        private static final String SCRIPT = "/tmp/byoc-start.sh";

        SecuredKafka(DockerImageName image) {
            super(image);
            withExposedPorts(CLIENT_PORT);
            withCommand("sh", "-c", "while [ ! -f " + SCRIPT + " ]; do sleep 0.1; done; exec sh " + SCRIPT);
            waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
        }

        String bootstrapServers() {
            return getHost() + ":" + getMappedPort(CLIENT_PORT);
        }

        @Override
        protected void containerIsStarting(InspectContainerResponse containerInfo) {
            String properties = KafkaBroker.serverProperties(
                    new KafkaBroker.Listeners("0.0.0.0", CLIENT_PORT, bootstrapServers(), 9095, 9093),
                    Path.of("/tmp/kraft-data"));
            String script = String.join("\n",
                    "set -e",
                    "cat > /tmp/byoc-server.properties <<'PROPERTIES'",
                    properties,
                    "PROPERTIES",
                    "/opt/kafka/bin/kafka-storage.sh format -t " + UUID.randomUUID() + " -c /tmp/byoc-server.properties"
                            + " --add-scram '" + KafkaBroker.bootstrapScram() + "'",
                    "exec /opt/kafka/bin/kafka-server-start.sh /tmp/byoc-server.properties",
                    "");
            copyFileToContainer(Transferable.of(script, 0755), SCRIPT);
        }
    }

    static Started postgres() {
        PostgreSQLContainer postgres = new PostgreSQLContainer(DockerImageName.parse(
                System.getenv().getOrDefault("BYOC_TEST_POSTGRES_IMAGE", "postgres:16-alpine"))
                .asCompatibleSubstituteFor("postgres"))
                .withUsername("postgres")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust"); // the tests connect without a password, like the local server
        postgres.start();
        return new Started(postgres.getHost(), postgres.getMappedPort(5432),
                postgres.getJdbcUrl(), postgres::stop);
    }
}
