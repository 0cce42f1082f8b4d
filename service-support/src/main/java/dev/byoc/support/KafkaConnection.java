package dev.byoc.support;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to reach and log in to the broker, for the Kafka clients a service builds itself (topic
 * set-up, projection rebuilds): exactly the connection settings its channels get from the
 * {@code kafka.*} configuration (bootstrap servers, {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}), so a secured broker needs its credentials configured once.
 */
@ApplicationScoped
public class KafkaConnection {
    private final Map<String, Object> settings = new TreeMap<>();

    @Inject
    KafkaConnection(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        kafka.forEach((key, value) -> {
            if (key.equals("bootstrap.servers") || key.equals("security.protocol") || key.startsWith("sasl.")
                    || key.startsWith("ssl.")) {
                settings.put(key, value);
            }
        });
    }

    /** A fresh copy: callers add their own client settings. */
    public Map<String, Object> settings() {
        return new TreeMap<>(settings);
    }

    public String bootstrapServers() {
        return String.valueOf(settings.get("bootstrap.servers"));
    }
}
