package dev.byoc.monitor.kafka;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.OutgoingEvents;
import dev.byoc.contracts.event.ClusterStateRecord;
import dev.byoc.contracts.event.EventData;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes to byoc.cluster-events and byoc.cluster-state; each Uni completes on the broker's ack,
 * back on the caller's Vert.x context (so a transaction can carry on after it).
 */
@ApplicationScoped
public class Publisher {
    public static final String SOURCE = dev.byoc.contracts.Producers.MONITOR;

    private final MutinyEmitter<String> events;
    private final MutinyEmitter<Record<String, String>> state;

    Publisher(@Channel("cluster-events-out") MutinyEmitter<String> events,
            @Channel("cluster-state-out") MutinyEmitter<Record<String, String>> state) {
        this.events = events;
        this.state = state;
    }

    public Uni<Void> event(String id, UUID clusterId, EventData data) {
        return Transactions.onThisContext(events.sendMessage(OutgoingEvents.message(id, data, clusterId.toString(),
                clusterId.toString(), SOURCE, Instant.now())));
    }

    /** An event stored as its type and JSON (the monitor's announcements), published as it was built. */
    public Uni<Void> stored(String id, String type, String json, Instant time) {
        String clusterId = Json.mapper().valueToTree(Json.read(json, Object.class)).path("clusterId").asText();
        return Transactions.onThisContext(events.sendMessage(OutgoingEvents.message(id, type, json, clusterId, clusterId,
                SOURCE, time)));
    }

    public Uni<Void> state(ClusterStateRecord record) {
        return Transactions.onThisContext(state.send(Record.of(record.clusterId().toString(), Json.write(record))));
    }

    /** A deleted cluster leaves the compacted topic. */
    public Uni<Void> tombstone(UUID clusterId) {
        return Transactions.onThisContext(state.send(Record.of(clusterId.toString(), null)));
    }
}
