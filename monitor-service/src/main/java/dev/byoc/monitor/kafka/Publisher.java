package dev.byoc.monitor.kafka;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.OutgoingEvents;
import dev.byoc.contracts.event.ClusterStateRecord;
import dev.byoc.contracts.event.EventData;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes to byoc.cluster-events and byoc.cluster-state, waiting for the broker's ack. */
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

    public void event(String id, UUID clusterId, EventData data) {
        events.sendMessageAndAwait(OutgoingEvents.message(id, data, clusterId.toString(), clusterId.toString(), SOURCE,
                Instant.now()));
    }

    public void state(ClusterStateRecord record) {
        state.sendAndAwait(Record.of(record.clusterId().toString(), Json.write(record)));
    }

    /** A deleted cluster leaves the compacted topic. */
    public void tombstone(UUID clusterId) {
        state.sendAndAwait(Record.of(clusterId.toString(), null));
    }
}
