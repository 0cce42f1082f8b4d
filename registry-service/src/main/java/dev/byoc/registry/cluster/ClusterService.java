package dev.byoc.registry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.RotationRequested;
import dev.byoc.contracts.event.VerifyRequested;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.ReasonCode;
import dev.byoc.contracts.spec.ClusterEdit;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.outbox.Outbox;
import dev.byoc.registry.problem.ProblemException;
import dev.byoc.registry.tenant.Tenants;
import dev.byoc.support.db.DatabaseFaults;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster commands, shared by the REST API and the command topic: validate with the contract
 * rules, change the write model and add the event to the outbox in one transaction (joining the
 * caller's when there is one: the command topic records the command in the same commit). A
 * rejected command changes and publishes nothing.
 */
@ApplicationScoped
public class ClusterService {
    private final ClusterRepository clusters;
    private final Outbox outbox;
    private final Tenants tenants;
    private final dev.byoc.registry.drift.DriftClock driftClock;

    ClusterService(ClusterRepository clusters, Outbox outbox, Tenants tenants, dev.byoc.registry.drift.DriftClock driftClock) {
        this.driftClock = driftClock;
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
    public Uni<ClusterRow> register(String owner, GridClusterRequest.Parsed request, String eventId) {
        return register(owner, request, eventId, null);
    }

    /**
     * @param idempotencyKey the create request's {@code Idempotency-Key}, or null: a request
     *     retried with the same key and the same content gets the cluster the first one created
     *     (the caller answers 201 again, same id), with other content 422; two retries racing are
     *     decided by the unique index on (owner, key)
     */
    public Uni<ClusterRow> register(String owner, GridClusterRequest.Parsed request, String eventId, String idempotencyKey) {
        List<Violation> refused = tenants.violations(owner, request);
        if (!refused.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(refused));
        }
        if (idempotencyKey == null) {
            return insert(owner, request, eventId, null);
        }
        var idempotency = new ClusterRepository.Idempotency(idempotencyKey, digest(request));
        return Transactions.inSession(session -> earlier(owner, idempotency).chain(earlier -> earlier.isPresent()
                ? Uni.createFrom().item(earlier.get())
                : insert(owner, request, eventId, idempotency)
                        // a retry racing this one may have won on the key or, first, on the name
                        .onFailure(DatabaseFaults::isUniqueViolation)
                        .recoverWithUni(raced -> earlier(owner, idempotency)
                                .map(won -> won.orElseThrow(() -> nameTaken(request.name()))))));
    }

    /** Names are unique per owner: the cluster in the way is the caller's own, never another user's. */
    private static ProblemException nameTaken(String name) {
        return ProblemException.conflict("you already have a cluster named '" + name + "'; "
                + "pick another name or delete that cluster first");
    }

    private Uni<Optional<ClusterRow>> earlier(String owner, ClusterRepository.Idempotency idempotency) {
        return clusters.byIdempotencyKey(owner, idempotency.key()).map(found -> found.map(earlier -> {
            if (!idempotency.digest().equals(earlier.getValue())) {
                throw new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused",
                        "this Idempotency-Key was used for a different request (cluster '" + earlier.getKey().name()
                                + "'); send a new key for a new request", null);
            }
            return earlier.getKey();
        }));
    }

    /** What a create request asks for, independent of whitespace and key order. */
    private static String digest(GridClusterRequest.Parsed request) {
        String canonical = request.name() + "\n" + dev.byoc.contracts.Json.write(request.spec()) + "\n"
                + (request.externalId() == null ? "" : request.externalId());
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Uni<ClusterRow> insert(String owner, GridClusterRequest.Parsed request, String eventId,
            ClusterRepository.Idempotency idempotency) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        var requested = Outbox.entry(eventId, id, new ClusterRequested(id, request.name(), owner, request.spec(), now));
        // one statement, atomic on its own: in the caller's transaction when there is one (a command)
        return outbox.relayAfter(Transactions.inSession(session -> clusters.insert(id, request.name(), owner, request.spec(), now,
                        driftClock.next(now), requested, idempotency)
                .onFailure(failure -> idempotency == null && DatabaseFaults.isUniqueViolation(failure))
                .transform(taken -> nameTaken(request.name()))
                .replaceWith(new ClusterRow(id, request.name(), owner, request.spec(), ClusterStatus.QUEUED.wire(), null,
                        ReasonCode.REQUESTED.wire(), null, null, now, now,
                        false, 0, null))));
    }

    /**
     * Applies a merge patch. Made from the cluster as read in this transaction: a write that finds
     * it changed since fails with a conflict ({@link dev.byoc.support.Fault#isConflict}), which
     * the caller retries from a fresh read ({@link #retryingConflicts}) — so the later of two
     * concurrent edits is applied on top of the earlier, and an edit never follows a delete.
     */
    public Uni<ClusterRow> update(String owner, String name, JsonNode patch, String eventId) {
        return edit(owner, name, patch, eventId).map(Edited::cluster);
    }

    /**
     * What an edit did: the cluster after it, and for a new role the rotation it requested (whose id
     * is the edit's {@code eventId}): nothing changed yet, the role switches once the provisioner
     * validated the candidate ({@link RoleSwitch}).
     */
    public record Edited(ClusterRow cluster, String candidateRoleArn) {
        public boolean rotation() {
            return candidateRoleArn != null;
        }
    }

    /** {@link #update}, saying whether the patch asked for a rotation. */
    public Uni<Edited> edit(String owner, String name, JsonNode patch, String eventId) {
        return outbox.relayAfter(Transactions.inTransaction(session -> live(owner, name).chain(cluster -> {
            if (cluster.is(ClusterStatus.TERMINATING) || cluster.is(ClusterStatus.DELETED)) {
                throw ProblemException.conflict("cluster '" + name + "' is " + cluster.status()
                        + "; it can no longer be edited");
            }
            ClusterEdit.Result edit = ClusterEdit.apply(cluster.spec(), patch);
            if (!edit.valid()) {
                throw ProblemException.invalid(edit.violations());
            }
            if (edit.rotation()) {
                List<Violation> refused = tenants.roleViolations(edit.candidateRoleArn());
                if (!refused.isEmpty()) {
                    throw ProblemException.invalid(refused);
                }
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                // a request, not a change: the write model keeps its role until the candidate is validated
                return outbox.add(eventId, cluster.id(), new RotationRequested(cluster.id(), name, owner, cluster.spec(),
                        edit.candidateRoleArn(), now)).replaceWith(new Edited(cluster, edit.candidateRoleArn()));
            }
            if (edit.changed().isEmpty()) {
                return Uni.createFrom().item(new Edited(cluster, null));
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return clusters.updateSpec(cluster.id(), cluster.version(), edit.spec(), now)
                    .chain(() -> outbox.add(eventId, cluster.id(), new ClusterUpdated(cluster.id(), name, owner, edit.spec(),
                            edit.changed(), now)))
                    .chain(() -> ClusterChanges.notifyChanged(session, cluster.id()))
                    .chain(() -> clusters.byId(cluster.id())).map(row -> new Edited(row.orElseThrow(), null));
        })));
    }

    /**
     * Asks for the cluster's access to be checked again with its current spec: publishes
     * {@code verify-requested} (the provisioner answers it like an edit) and changes nothing else,
     * so a cluster that failed on a trust policy since fixed gets back to running without an edit.
     * Refused (409) once deletion began: there is nothing left to verify.
     */
    public Uni<ClusterRow> verify(String owner, String name, String eventId) {
        return outbox.relayAfter(Transactions.inTransaction(session -> live(owner, name).chain(cluster -> {
            if (cluster.is(ClusterStatus.TERMINATING) || cluster.is(ClusterStatus.DELETED)) {
                throw ProblemException.conflict("cluster '" + name + "' is " + cluster.status()
                        + "; there is nothing to verify once deletion began");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return outbox.add(eventId, cluster.id(), new VerifyRequested(cluster.id(), name, owner, cluster.spec(),
                    VerifyRequested.Trigger.USER, now)).replaceWith(cluster);
        })));
    }

    /**
     * {@code write} (a whole transaction of its own), again from a fresh read when another request
     * changed the cluster in between; after {@code CONFLICT_ATTEMPTS} the conflict reaches the
     * caller (409). Only at the edge: a command's transaction is retried whole by its consumer.
     */
    public static <T> Uni<T> retryingConflicts(java.util.function.Supplier<Uni<T>> write) {
        return Uni.createFrom().<T>deferred(() -> write.get()).onFailure(dev.byoc.support.Fault::isConflict).retry()
                .atMost(CONFLICT_ATTEMPTS - 1);
    }

    private static final int CONFLICT_ATTEMPTS = 3;

    /** Deleting twice is harmless: the second call publishes nothing. */
    public Uni<ClusterRow> delete(String owner, String name, boolean force, String eventId) {
        return outbox.relayAfter(Transactions.inTransaction(session -> found(owner, name).chain(cluster -> {
            boolean alreadyDeleting = cluster.released() || cluster.is(ClusterStatus.TERMINATING);
            if ((alreadyDeleting && !force) || cluster.released()) {
                return Uni.createFrom().item(cluster);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return clusters.markDeleting(cluster.id(), cluster.version(), force, now)
                    .chain(() -> outbox.add(eventId, cluster.id(), new ClusterDeleted(cluster.id(), name, owner,
                            cluster.spec(), force, now)))
                    .chain(() -> ClusterChanges.notifyChanged(session, cluster.id()))
                    .chain(() -> clusters.byId(cluster.id())).map(Optional::orElseThrow);
        })));
    }

    /** The owner's cluster by name (the live one, else the last deleted one), or 404 with close names. */
    public Uni<ClusterRow> found(String owner, String name) {
        if (dev.byoc.contracts.spec.SpecRules.clusterName(name).isPresent()) {
            return missing(owner, name); // no stored cluster breaks the name rules: no need to ask the database
        }
        return clusters.byName(owner, name).chain(cluster -> cluster.isPresent() ? Uni.createFrom().item(cluster.get())
                : missing(owner, name));
    }

    /** The owner's live cluster by name, or 404. In the caller's session. */
    public Uni<ClusterRow> live(String owner, String name) {
        return found(owner, name).chain(cluster -> cluster.released() ? missing(owner, name)
                : Uni.createFrom().item(cluster));
    }

    private Uni<ClusterRow> missing(String owner, String name) {
        return notFound(owner, name).chain(notFound -> Uni.createFrom().failure(notFound));
    }

    public Uni<ProblemException> notFound(String owner, String name) {
        return clusters.names(owner).onFailure().recoverWithItem(List.of())
                .map(names -> {
                    List<String> close = Names.closest(name, names);
                    return ProblemException.notFound("no cluster named '" + name + "'"
                            + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"));
                });
    }
}
