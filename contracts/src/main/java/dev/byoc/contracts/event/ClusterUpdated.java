package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user edited the cluster; {@code spec} is the whole spec after the edit. */
public record ClusterUpdated(UUID clusterId, String name, String owner, ClusterSpec spec, List<String> changed,
        Instant updatedAt) implements EventData {
}
