package dev.byoc.registry.cluster;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.auth.CurrentUser;
import dev.byoc.registry.problem.ProblemException;
import dev.byoc.registry.teardown.TeardownPreviews;
import dev.byoc.registry.tenant.Tenants;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.nio.charset.StandardCharsets;
import dev.byoc.support.CrashPoint;
import dev.byoc.support.CrashPoints;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    private static final Set<String> STATUSES = java.util.Arrays.stream(ClusterStatus.values()).map(ClusterStatus::wire)
            .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));

    private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final ClusterService service;
    private final ClusterRepository clusters;
    private final CurrentUser user;
    private final Tenants tenants;
    private final CrashPoints crashPoints;
    private final Rotations rotations;
    private final java.time.Duration rotationWait;
    private final TeardownPreviews previews;

    ClusterResource(ClusterService service, ClusterRepository clusters, CurrentUser user, Tenants tenants,
            CrashPoints crashPoints, Rotations rotations,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "byoc.rotation.wait", defaultValue = "10s")
            java.time.Duration rotationWait, TeardownPreviews previews) {
        this.previews = previews;
        this.rotations = rotations;
        this.rotationWait = rotationWait;
        this.crashPoints = crashPoints;
        this.service = service;
        this.clusters = clusters;
        this.user = user;
        this.tenants = tenants;
    }

    /** Every cluster of a user is assumed with the user's issued ID: the API shows its last four characters. */
    private String externalIdHint() {
        return tenants.maskedExternalIdOf(user.username());
    }

    /** Takes the raw body so duplicate keys are caught before any tree is built. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(String body, @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
            @jakarta.ws.rs.HeaderParam("Idempotency-Key") String idempotencyKey, @Context UriInfo uri) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ProblemException.invalid(List.of(new Violation("header Idempotency-Key",
                    "give 1 to 255 printable ASCII characters, e.g. a UUID, the same on every retry of one request")));
        }
        GridClusterRequest.Parsed request = service.validate(user.username(),
                GridClusterRequest.parse(body == null ? "" : body));
        String hint = externalIdHint();
        if (dryRun) {
            return Uni.createFrom().item(Response.ok(Map.of("valid", true, "dryRun", true, "name", request.name(),
                    "spec", GridClusterRequest.toGrid(null, request.spec(), hint).get("spec"))).build());
        }
        return service.register(user.username(), request, EventIds.random(), idempotencyKey)
                .invoke(() -> crashPoints.reached(CrashPoint.REGISTRATION_COMMITTED))
                .map(row -> Response.created(uri.getAbsolutePathBuilder().path(row.name()).build())
                        .entity(ClusterRepresentation.of(row, hint)).build());
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("includeDeleted") @DefaultValue("false") boolean includeDeleted,
            @QueryParam("status") String status, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("after") String after) {
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.invalid(List.of(new Violation("status", "status must be one of " + STATUSES)));
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid(List.of(new Violation("limit", "limit must be between 1 and 500")));
        }
        Instant afterCreated = null;
        UUID afterId = null;
        if (after != null && !after.isBlank()) {
            try {
                String[] cursor = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8).split("\\|");
                afterCreated = Instant.parse(cursor[0]);
                afterId = UUID.fromString(cursor[1]);
            } catch (RuntimeException e) {
                throw ProblemException.invalid(List.of(new Violation("after", "not a cursor this API returned (use next)")));
            }
        }
        boolean withDeleted = includeDeleted || ClusterStatus.DELETED.wire().equals(status);
        String hint = externalIdHint();
        Instant createdBefore = afterCreated;
        UUID idBefore = afterId;
        return Transactions.inSession(session -> clusters.list(user.username(), withDeleted, status, createdBefore, idBefore,
                limit + 1)).map(rows -> page(rows, limit, hint));
    }

    private static Map<String, Object> page(List<ClusterRow> rows, int limit, String hint) {
        Map<String, Object> page = new LinkedHashMap<>();
        List<ClusterRow> items = rows.size() > limit ? rows.subList(0, limit) : rows;
        page.put("items", items.stream().map(row -> ClusterRepresentation.of(row, hint)).toList());
        if (rows.size() > limit) {
            ClusterRow last = items.get(items.size() - 1);
            page.put("next", Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8)));
        }
        return page;
    }

    @GET
    @Path("{name}")
    public Uni<ClusterRepresentation> get(@PathParam("name") String name) {
        String hint = externalIdHint();
        return Transactions.inSession(session -> service.found(user.username(), name))
                .map(row -> ClusterRepresentation.of(row, hint));
    }

    @PATCH
    @Path("{name}")
    @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
    public Uni<Response> edit(@PathParam("name") String name, String body, @Context UriInfo uri) {
        JsonNode patch;
        try {
            patch = Json.mapper().readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw ProblemException.invalid(List.of(new Violation("$", "not valid JSON")));
        }
        String hint = externalIdHint();
        String eventId = EventIds.random();
        String keyHash = user.keyHash();
        java.net.URI follow = uri.getAbsolutePathBuilder().path("rotations").path(eventId).build();
        return ClusterService.retryingConflicts(() -> service.edit(user.username(), name, patch, eventId))
                .chain(edited -> !edited.rotation()
                        ? Uni.createFrom().item(Response.ok(ClusterRepresentation.of(edited.cluster(), hint)).build())
                        // the wait blocks (woken by the cluster's change notification): on a worker, never the event loop
                        : Uni.createFrom().item(() -> rotated(edited, eventId, keyHash, hint, follow))
                                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()));
    }

    /**
     * A new role is validated before it applies, while the cluster keeps running on its current one.
     * The edit waits up to {@code byoc.rotation.wait} for the provisioner's answer: 200 switched, 422
     * {@code rotation-failed} with the candidate's checks (the cluster unchanged, its status too), or
     * 202 while it is still validating (the assume-role retry window can be longer than any HTTP
     * wait), with {@code Location} naming the rotation to follow.
     */
    private Response rotated(ClusterService.Edited edited, String rotationId, String keyHash, String hint, java.net.URI follow) {
        UUID clusterId = edited.cluster().id();
        Rotations.Outcome outcome = rotations.await(clusterId, rotationId, keyHash, rotationWait)
                .orElse(new Rotations.Outcome(rotationId, Rotations.Status.validating, edited.candidateRoleArn(),
                        edited.cluster().spec().roleArn(), null, null));
        ClusterRow row = dev.byoc.support.db.Transactions.awaitOnContext(() -> Transactions.inSession(session ->
                clusters.byId(clusterId))).orElse(edited.cluster());
        Map<String, Object> body = new LinkedHashMap<>();
        switch (outcome.status()) {
            case failed -> {
                body.put("type", "https://byoc.dev/problems/rotation-failed");
                body.put("title", "The new role failed validation");
                body.put("status", 422);
                body.put("detail", outcome.reason() + "; the cluster keeps running on " + outcome.fromRoleArn());
                body.put("rotation", outcome.body());
                body.put("checks", outcome.checks());
                return Response.status(422).type("application/problem+json").entity(body).build();
            }
            case switched -> {
                body.put("cluster", ClusterRepresentation.of(row, hint));
                body.put("rotation", outcome.body());
                body.put("message", "switched to " + outcome.roleArn() + "; old-credential-revoked warns in every validation "
                        + "until the trust policy of " + outcome.fromRoleArn() + " no longer trusts the platform (then run "
                        + "`byoc clusters verify " + row.name() + "`)");
                return Response.ok(body).build();
            }
            default -> {
                body.put("cluster", ClusterRepresentation.of(row, hint));
                body.put("rotation", outcome.body());
                body.put("message", "validating " + outcome.roleArn() + "; the cluster keeps running on "
                        + outcome.fromRoleArn() + " meanwhile; follow the rotation at " + follow.getPath());
                return Response.accepted(body).location(follow).build();
            }
        }
    }

    /** Where a role rotation stands: validating, switched or failed (with the candidate's checks once answered). */
    @GET
    @Path("{name}/rotations/{id}")
    public Uni<Map<String, Object>> rotation(@PathParam("name") String name, @PathParam("id") String id) {
        return Transactions.inSession(session -> service.found(user.username(), name)
                .chain(cluster -> Rotations.find(session, cluster.id(), id)))
                .map(found -> found.map(Rotations.Outcome::body)
                        .orElseThrow(() -> ProblemException.notFound("no rotation " + id + " of cluster '" + name + "'")));
    }

    /**
     * Runs the access checks again with nothing changed (202): the report arrives on the cluster
     * like any other ({@code lastValidatedAt} moves; follow it with the stream or GET).
     */
    @POST
    @Path("{name}/verify")
    public Uni<Response> verify(@PathParam("name") String name) {
        String hint = externalIdHint();
        String eventId = EventIds.random();
        return service.verify(user.username(), name, eventId).map(row -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("cluster", ClusterRepresentation.of(row, hint));
            body.put("verification", Map.of("id", eventId, "trigger", "user"));
            body.put("message", "verification requested; the platform runs every access check again and reports on the "
                    + "cluster (lastValidatedAt moves when the report is in)");
            return Response.accepted(body).build();
        });
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> delete(@PathParam("name") String name, @Context UriInfo uri) {
        // read from the raw query, strictly: JAX-RS reads dryRun=banana as false and a bare ?dryRun (or
        // ?dryRun=) as absent, so either would delete for real when the caller meant a preview
        String query = uri.getRequestUri().getRawQuery();
        boolean force = flag("force", query);
        boolean dryRun = flag("dryRun", query);
        String hint = externalIdHint();
        if (dryRun) {
            if (force) {
                throw ProblemException.invalid(List.of(new Violation("force", "a forced delete removes nothing, so there "
                        + "is no teardown to preview: leave out force=true to preview the teardown, or dryRun=true to delete")));
            }
            return previews.preview(user.username(), name).map(preview -> previewed(preview, hint));
        }
        String eventId = EventIds.random();
        return ClusterService.retryingConflicts(() -> service.delete(user.username(), name, force, eventId))
                .map(row -> deleted(row, force, hint));
    }

    /**
     * The flag {@code parameter} of the raw query: {@code true}/{@code false} (any case), absent = false;
     * present with anything else (empty, {@code banana}, or two different values) is a 400 naming it.
     */
    static boolean flag(String parameter, String rawQuery) {
        java.util.Set<String> values = new java.util.HashSet<>();
        for (String pair : rawQuery == null || rawQuery.isEmpty() ? new String[0] : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decoded(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(parameter)) {
                values.add(eq < 0 ? "" : decoded(pair.substring(eq + 1)).toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (values.isEmpty()) {
            return false;
        }
        if (values.size() == 1 && (values.contains("true") || values.contains("false"))) {
            return values.contains("true");
        }
        throw ProblemException.invalid(List.of(new Violation(parameter, parameter + " must be true or false (once)")));
    }

    /** A malformed escape ({@code %zz}) stays as it is: it then matches neither a name nor true/false. */
    private static String decoded(String raw) {
        try {
            return java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static Response previewed(TeardownPreviews.Preview preview, String hint) {
        var teardown = preview.teardown();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dryRun", true);
        body.put("cluster", ClusterRepresentation.of(preview.cluster(), hint));
        body.put("message", "ready".equals(teardown.outcome())
                ? "dry run: nothing was changed; deleting the cluster would remove " + teardown.objectCount() + " object"
                        + (teardown.objectCount() == 1 ? "" : "s") + " under " + teardown.prefix() + " and leave "
                        + teardown.leftBehind().size() + " resource" + (teardown.leftBehind().size() == 1 ? "" : "s") + " behind"
                : "dry run: nothing was changed; deleting the cluster now would remove nothing (" + teardown.outcome()
                        + "): teardown.leftBehind says why");
        body.put("teardown", teardown);
        return Response.ok(body).build();
    }

    private static Response deleted(ClusterRow row, boolean force, String hint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", ClusterRepresentation.of(row, hint));
        body.put("message", force
                ? "cluster record removed; --force does not delete any resources: the EKS cluster, bucket and role stay "
                        + "in your account (run terraform destroy to remove them)"
                : "deletion requested; the platform removes what it created under byoc/ in the bucket and reports what is left");
        return Response.accepted(body).build();
    }
}
