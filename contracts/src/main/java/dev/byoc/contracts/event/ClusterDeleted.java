package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.UUID;

/** A user asked for deletion; {@code force} means: forget the cluster, delete no resources. */
public record ClusterDeleted(UUID clusterId, String name, String owner, ClusterSpec spec, boolean force,
        Instant deletedAt) implements EventData {
}
