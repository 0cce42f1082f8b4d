package dev.byoc.support.projection;

import dev.byoc.contracts.envelope.IncomingEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One accepted event as a projection sees it: the cluster it is about ({@code key}, null when it
 * names none), where it sits in the log, and its time — {@code ce_time}, or the record's
 * timestamp when the producer set none. Folds use this time, never the clock, so replaying the
 * log gives the same rows. Microseconds, because that is what PostgreSQL keeps.
 */
public record ProjectedEvent(IncomingEvent.Accepted event, UUID key, int partition, long offset, Instant time) {

    public static ProjectedEvent of(IncomingEvent.Accepted event, ConsumerRecord<?, ?> record) {
        return of(event, record.partition(), record.offset(), record.timestamp());
    }

    public static ProjectedEvent of(IncomingEvent.Accepted event, int partition, long offset, long recordTimestamp) {
        var clusterId = event.json().path("clusterId");
        Instant time = event.time() != null ? event.time() : Instant.ofEpochMilli(recordTimestamp);
        return new ProjectedEvent(event, clusterId.isTextual() ? UUID.fromString(clusterId.asText()) : null,
                partition, offset, time.truncatedTo(ChronoUnit.MICROS));
    }

    public String id() {
        return event.id();
    }
}
