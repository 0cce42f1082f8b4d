package dev.byoc.registry.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.spec.GridClusterRequest;
import java.time.Instant;
import java.util.UUID;

/**
 * A cluster as the API shows it; the external ID only ever as its last four characters.
 * {@code lastValidatedAt}: when the last validation report completed (absent before the first);
 * each check in {@code validation.checks} has {@code since}, when it last changed status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterRepresentation(UUID id, String name, String type, String status, String reason,
        String reasonCode,
        Instant createdAt, Instant updatedAt, Instant lastValidatedAt, JsonNode spec, Validation validation, JsonNode teardown) {

    public record Validation(JsonNode checks) {
    }

    /** @param externalIdHint the owner's issued external ID, masked ("…7f3a") */
    public static ClusterRepresentation of(ClusterRow row, String externalIdHint) {
        return new ClusterRepresentation(row.id(), row.name(), "byoc", row.status(), row.reason(), row.reasonCode(),
                row.createdAt(),
                row.updatedAt(), row.lastValidatedAt(), GridClusterRequest.toGrid(null, row.spec(), externalIdHint).get("spec"),
                new Validation(row.checks() == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                        : row.checks()),
                row.teardown());
    }
}
