package dev.byoc.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** {@code @WithTestResource(KafkaResource.class)}: the shared real broker, with the contract's topics. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    public static final Map<String, Integer> TOPICS = Map.of(
            "byoc.cluster-events", 3,
            "byoc.cluster-events.dlq", 1,
            "byoc.cluster-commands", 3,
            "byoc.cluster-state", 3);

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopics(TOPICS);
        // each service logs in as its own principal (its application.properties names it), with the
        // tests' password, whether the broker is a process or a container
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "byoc.kafka.password", KafkaBroker.PASSWORD);
    }

    @Override
    public void stop() {
        // shared across test classes; stopped when the JVM exits
    }
}
