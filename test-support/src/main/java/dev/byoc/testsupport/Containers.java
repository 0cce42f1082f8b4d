package dev.byoc.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
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
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(
                System.getenv().getOrDefault("BYOC_TEST_KAFKA_IMAGE", "apache/kafka:4.0.0")));
        kafka.start();
        return new Started(kafka.getHost(), kafka.getFirstMappedPort(), kafka.getBootstrapServers(), kafka::stop);
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
