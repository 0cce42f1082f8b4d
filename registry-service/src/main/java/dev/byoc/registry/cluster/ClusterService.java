package dev.byoc.registry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.spec.ClusterEdit;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.outbox.Outbox;
import dev.byoc.registry.problem.ProblemException;
import dev.byoc.registry.tenant.Tenants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The cluster commands, shared by the REST API and the command topic: validate with the contract
 * rules, change the write model and add the event to the outbox in one transaction. A rejected
 * command changes and publishes nothing.
 */
@ApplicationScoped
public class ClusterService {
    private final ClusterRepository clusters;
    private final Outbox outbox;
    private final Tenants tenants;

    ClusterService(ClusterRepository clusters, Outbox outbox, Tenants tenants) {
        this.clusters = clusters;
        this.outbox = outbox;
        this.tenants = tenants;
    }

    /** Every broken rule of a create request by {@code owner}: the spec rules, then the tenant boundary. */
    public List<Violation> violations(String owner, GridClusterRequest.Result result) {
        if (!result.valid()) {
            return result.violations();
        }
        return tenants.violations(owner, result.parsed());
    }

    /** Checks a create request by {@code owner}; throws 400 with every violation. */
    public GridClusterRequest.Parsed validate(String owner, GridClusterRequest.Result result) {
        List<Violation> violations = violations(owner, result);
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        return result.parsed();
    }

    /** @param eventId the requested event's id (derived from a command's ce_id, or random) */
    @Transactional
    public ClusterRow register(String owner, GridClusterRequest.Parsed request, String eventId) throws SQLException {
        List<Violation> refused = tenants.violations(owner, request);
        if (!refused.isEmpty()) {
            throw ProblemException.invalid(refused);
        }
        UUID id = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            clusters.insert(id, request.name(), owner, request.spec(), now);
        } catch (SQLException e) {
            if (ClusterRepository.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                // names are unique per owner: this is the caller's own cluster, never another user's
                throw ProblemException.conflict("you already have a cluster named '" + request.name() + "'; "
                        + "pick another name or delete that cluster first");
            }
            throw e;
        }
        outbox.add(eventId, id, new ClusterRequested(id, request.name(), owner, request.spec(), now));
        return new ClusterRow(id, request.name(), owner, request.spec(), "queued", null, null, null, now, now, false);
    }

    @Transactional
    public ClusterRow update(String owner, String name, JsonNode patch, String eventId) throws SQLException {
        ClusterRow cluster = live(owner, name);
        if ("terminating".equals(cluster.status()) || "deleted".equals(cluster.status())) {
            throw ProblemException.conflict("cluster '" + name + "' is " + cluster.status() + "; it can no longer be edited");
        }
        ClusterEdit.Result edit = ClusterEdit.apply(cluster.spec(), patch);
        if (!edit.valid()) {
            throw ProblemException.invalid(edit.violations());
        }
        if (edit.changed().isEmpty()) {
            return cluster;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        clusters.updateSpec(cluster.id(), edit.spec(), now);
        outbox.add(eventId, cluster.id(), new ClusterUpdated(cluster.id(), name, owner, edit.spec(), edit.changed(), now));
        return clusters.byId(cluster.id()).orElseThrow();
    }

    /** Deleting twice is harmless: the second call publishes nothing. */
    @Transactional
    public ClusterRow delete(String owner, String name, boolean force, String eventId) throws SQLException {
        ClusterRow cluster = clusters.byName(owner, name).orElseThrow(() -> notFound(owner, name));
        boolean alreadyDeleting = cluster.released() || "terminating".equals(cluster.status());
        if (alreadyDeleting && !force) {
            return cluster;
        }
        if (cluster.released()) {
            return cluster;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        clusters.markDeleting(cluster.id(), force, now);
        outbox.add(eventId, cluster.id(), new ClusterDeleted(cluster.id(), name, owner, cluster.spec(), force, now));
        return clusters.byId(cluster.id()).orElseThrow();
    }

    public ClusterRow live(String owner, String name) throws SQLException {
        ClusterRow cluster = clusters.byName(owner, name).orElseThrow(() -> notFound(owner, name));
        if (cluster.released()) {
            throw notFound(owner, name);
        }
        return cluster;
    }

    public ProblemException notFound(String owner, String name) {
        List<String> close;
        try {
            close = Names.closest(name, clusters.names(owner));
        } catch (SQLException e) {
            close = List.of();
        }
        return ProblemException.notFound("no cluster named '" + name + "'"
                + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"));
    }
}
