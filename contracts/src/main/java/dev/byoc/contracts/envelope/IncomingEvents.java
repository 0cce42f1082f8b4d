package dev.byoc.contracts.envelope;

import dev.byoc.contracts.event.EventTypes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Entry point for consumers holding a Kafka record. */
public final class IncomingEvents {
    private IncomingEvents() {
    }

    public static IncomingEvent read(Headers headers, String value, List<EventTypes> allowed) {
        return IncomingEvent.read(toMap(headers), value, allowed);
    }

    public static IncomingEvent read(Map<String, String> headers, String value, List<EventTypes> allowed) {
        return IncomingEvent.read(headers, value, allowed);
    }

    public static Map<String, String> toMap(Headers headers) {
        Map<String, String> map = new HashMap<>();
        for (Header header : headers) {
            map.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return map;
    }
}
