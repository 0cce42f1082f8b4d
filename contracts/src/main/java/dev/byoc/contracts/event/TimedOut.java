package dev.byoc.contracts.event;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * The monitor's clock saw the cluster in {@code status} for longer than {@code timeout}: {@code pending}
 * (provisioning timeout) or {@code terminating} (teardown timeout), the only statuses that time out.
 * A fact like any other, folded by the state machine: it fails the cluster only if it is still in
 * {@code status}; one that moved on meanwhile makes it a deadline that lost a race (legal, no effect).
 *
 * @param status      the status the cluster was stuck in ({@code PENDING} or {@code TERMINATING})
 * @param statusSince when the cluster entered {@code status}; the deadline was {@code statusSince + timeout}
 * @param timeout     the configured limit, an ISO-8601 duration such as {@code PT30M} ({@code Duration.parse} reads it)
 * @param reason      what becomes the status reason, e.g. {@code provisioning timed out after 30m}
 * @param observedAt  when the monitor noticed
 */
public record TimedOut(UUID clusterId, ClusterStatus status, Instant statusSince, String timeout, String reason,
        Instant observedAt) implements EventData {
}
