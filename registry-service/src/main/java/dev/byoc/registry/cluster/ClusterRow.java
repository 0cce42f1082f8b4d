package dev.byoc.registry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.event.ClusterSpec;
import java.time.Instant;
import java.util.UUID;

/**
 * One cluster as the registry knows it: write model joined with the projection. {@code version}
 * is the write model's optimistic version, which a write made from this read must still find.
 */
public record ClusterRow(UUID id, String name, String owner, ClusterSpec spec, String status, String reason, String reasonCode,
        JsonNode checks, JsonNode teardown, Instant createdAt, Instant updatedAt, boolean released, long version,
        Instant lastValidatedAt) {

    /** {@code status} is the wire name the API shows; compared here, typed. */
    public boolean is(dev.byoc.contracts.lifecycle.ClusterStatus expected) {
        return expected.wire().equals(status);
    }
}
