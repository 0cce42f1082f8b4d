package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.UUID;

/**
 * Someone asked for the cluster's access to be checked again with nothing changed: its owner
 * ({@code byoc clusters verify}, {@link Trigger#USER}) or the registry's drift schedule
 * ({@link Trigger#SCHEDULED}). The provisioner answers it exactly like a requested or updated
 * event; {@code spec} is the cluster's whole current spec, so the answer needs no other state.
 */
public record VerifyRequested(UUID clusterId, String name, String owner, ClusterSpec spec, Trigger trigger,
        Instant requestedAt) implements EventData {

    public enum Trigger {
        @com.fasterxml.jackson.annotation.JsonProperty("user")
        USER,
        @com.fasterxml.jackson.annotation.JsonProperty("scheduled")
        SCHEDULED
    }
}
