package dev.byoc.registry.outbox;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Records an event in the caller's transaction; {@link OutboxRelay} publishes it after commit.
 * Whoever commits outbox rows wakes the relay with {@link #relayAfter}.
 */
@ApplicationScoped
public class Outbox implements PanacheRepositoryBase<OutboxEntry, Long> {
    private final OutboxRelay relay;

    Outbox(OutboxRelay relay) {
        this.relay = relay;
    }

    /**
     * {@code committed}, which completes once the transaction that filled the outbox committed,
     * followed by a wake-up of this replica's relay. In the process, not through the database: a
     * NOTIFY in the committing transaction (V11) takes PostgreSQL's cluster-wide notification lock
     * through the commit's WAL flush, so every registration's commit waited for every other's
     * (seen as wait_event Lock/object on the registration statement under load; V14 drops it).
     */
    public <T> Uni<T> relayAfter(Uni<T> committed) {
        return committed.invoke(relay::wake);
    }

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
