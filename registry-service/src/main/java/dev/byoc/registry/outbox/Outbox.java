package dev.byoc.registry.outbox;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Records an event in the caller's transaction; {@link OutboxRelay} publishes it after commit. */
@ApplicationScoped
public class Outbox implements PanacheRepositoryBase<OutboxEntry, Long> {

    public Uni<String> add(UUID clusterId, EventData event) {
        return add(EventIds.random(), clusterId, event);
    }

    /** With a given id, e.g. derived from a command's ce_id so a redelivered command adds nothing. */
    public Uni<String> add(String eventId, UUID clusterId, EventData event) {
        return persist(entry(eventId, clusterId, event)).replaceWith(eventId);
    }

    /** The row for an event, not yet stored (for a statement that writes it with other rows). */
    public static OutboxEntry entry(String eventId, UUID clusterId, EventData event) {
        OutboxEntry entry = new OutboxEntry();
        entry.eventId = UUID.fromString(eventId);
        entry.clusterId = clusterId;
        entry.type = EventTypes.of(event.getClass()).orElseThrow().type();
        entry.payload = Json.write(event);
        return entry;
    }
}
