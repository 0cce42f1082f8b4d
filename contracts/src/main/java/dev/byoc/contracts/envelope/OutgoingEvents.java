package dev.byoc.contracts.envelope;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Builds the Kafka message for one event: value = the data JSON, key = {@code key}, and the
 * CloudEvents attributes as metadata that SmallRye writes as binary-mode {@code ce_*} headers
 * (the channel sets {@code cloud-events-mode=binary} and the content type).
 */
public final class OutgoingEvents {
    private OutgoingEvents() {
    }

    public static Message<String> message(String id, EventData data, String key, String subject, String source,
            Instant time) {
        EventTypes type = EventTypes.of(data.getClass())
                .orElseThrow(() -> new IllegalArgumentException("not a contract event: " + data.getClass()));
        return message(id, type.type(), Json.write(data), key, subject, source, time);
    }

    public static Message<String> message(String id, String type, String json, String key, String subject,
            String source, Instant time) {
        OutgoingCloudEventMetadata<Object> cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(id)
                .withType(type)
                .withSource(URI.create(source))
                .withSubject(subject)
                .withTimestamp(time.atZone(ZoneOffset.UTC))
                .build();
        return Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                .addMetadata(cloudEvent);
    }
}
