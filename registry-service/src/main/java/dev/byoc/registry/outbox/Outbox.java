package dev.byoc.registry.outbox;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Records an event in the caller's transaction; {@link OutboxRelay} publishes it after commit. */
@ApplicationScoped
public class Outbox {
    private final AgroalDataSource dataSource;

    Outbox(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String add(UUID clusterId, EventData event) throws SQLException {
        return add(EventIds.random(), clusterId, event);
    }

    /** With a given id, e.g. derived from a command's ce_id so a redelivered command adds nothing. */
    public String add(String eventId, UUID clusterId, EventData event) throws SQLException {
        String type = EventTypes.of(event.getClass()).orElseThrow().type();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into outbox (event_id, cluster_id, type, payload) "
                        + "values (?::uuid, ?, ?, ?)")) {
            s.setString(1, eventId);
            s.setObject(2, clusterId);
            s.setString(3, type);
            s.setString(4, Json.write(event));
            s.executeUpdate();
        }
        return eventId;
    }
}
