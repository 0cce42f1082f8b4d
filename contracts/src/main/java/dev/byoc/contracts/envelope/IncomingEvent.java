package dev.byoc.contracts.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a consumer makes of one record before acting on it: an accepted event, a record to skip
 * (a newer version of a type we know), or a record for the dead-letter queue, with the reason.
 * Every consumer goes through {@link #read} so the rules live here once.
 */
public sealed interface IncomingEvent {

    /**
     * @param time the event's time from {@code ce_time}, or null when the record has none (then use the Kafka
     *             record's timestamp)
     */
    record Accepted(String id, EventTypes type, String subject, Instant time, EventData data, JsonNode json)
            implements IncomingEvent {
        public <T extends EventData> Optional<T> as(Class<T> kind) {
            return kind.isInstance(data) ? Optional.of(kind.cast(data)) : Optional.empty();
        }
    }

    record Skipped(String type, String reason) implements IncomingEvent {
    }

    record DeadLetter(String type, String reason) implements IncomingEvent {
    }

    /**
     * @param headers the record's headers (last value wins)
     * @param value   the record value (the event's JSON data)
     * @param allowed the types this topic carries
     */
    static IncomingEvent read(Map<String, String> headers, String value, List<EventTypes> allowed) {
        for (String name : CloudEventHeaders.REQUIRED) {
            String header = headers.get(name);
            if (header == null || header.isBlank()) {
                return new DeadLetter(headers.get(CloudEventHeaders.TYPE), "missing CloudEvents header " + name);
            }
        }
        if (!"1.0".equals(headers.get(CloudEventHeaders.SPECVERSION))) {
            return new DeadLetter(headers.get(CloudEventHeaders.TYPE),
                    "unsupported ce_specversion " + headers.get(CloudEventHeaders.SPECVERSION) + " (expected 1.0)");
        }
        String ceType = headers.get(CloudEventHeaders.TYPE);
        String ceTime = headers.get(CloudEventHeaders.TIME);
        Instant time = null;
        if (ceTime != null && !ceTime.isBlank()) {
            time = Rfc3339.parse(ceTime).orElse(null);
            if (time == null) {
                return new DeadLetter(ceType, "ce_time is not an RFC 3339 timestamp: " + ceTime);
            }
        }
        Optional<EventTypes> type = EventTypes.of(ceType).filter(allowed::contains);
        if (type.isEmpty()) {
            if (EventTypes.isNewerVersionOfKnownType(ceType)) {
                return new Skipped(ceType, "newer version of a known type; this consumer reads an older one");
            }
            return new DeadLetter(ceType, "unknown ce_type " + ceType + " for this topic");
        }
        String producer = type.get().producer();
        if (producer != null && !producer.equals(headers.get(CloudEventHeaders.SOURCE))) {
            return new DeadLetter(ceType, "unexpected producer: " + ceType + " is emitted only by " + producer
                    + ", not by " + headers.get(CloudEventHeaders.SOURCE));
        }
        if (value == null) {
            return new DeadLetter(ceType, "record has no value");
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(value);
        } catch (Exception e) {
            return new DeadLetter(ceType, "value is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (json == null || !json.isObject()) {
            return new DeadLetter(ceType, "value is not a JSON object");
        }
        List<String> violations = SchemaValidator.violations(ceType, json);
        if (!violations.isEmpty()) {
            return new DeadLetter(ceType, "schema " + ceType + ": " + String.join("; ", violations));
        }
        EventData data;
        try {
            data = Json.convert(json, type.get().dataClass());
        } catch (IllegalArgumentException e) {
            return new DeadLetter(ceType, firstLine(e.getMessage()));
        }
        return new Accepted(headers.get(CloudEventHeaders.ID), type.get(), headers.get(CloudEventHeaders.SUBJECT), time,
                data, json);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
