package dev.byoc.cli;

import dev.byoc.contracts.lifecycle.ReasonCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.spec.ClusterEdit;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.contracts.tenant.TenantRules;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A stand-in for the registry (JDK HttpServer, in-process): the REST API of DESIGN / issue 7 with
 * the contract's own validation, in-memory clusters, and a live SSE stream whose events tests
 * drive with {@link #setStatus} and cut with {@link #dropStreams()}. Records every request.
 * Like the registry, it issues each user an external ID derived with {@link ExternalIds} from a
 * fixed test secret, serves it at {@code /api/v1/aws/prerequisites}, refuses a create naming
 * another ID (400 at the field's path, the contract's message) and shows clusters with it masked.
 */
final class FakeRegistry implements AutoCloseable {
    static final String KEY = "test-key-0123456789";
    static final String USER = "alice";
    /** The platform's external-ID secret of these tests (≥ 32 characters, like the real one). */
    static final String EXTERNAL_ID_SECRET = "cli-tests-external-id-secret-0123456789";
    static final ExternalIds EXTERNAL_IDS = ExternalIds.withSecret(EXTERNAL_ID_SECRET);
    /** The external ID issued to {@link #USER}, the only one a request of hers may name. */
    static final String EXTERNAL_ID = EXTERNAL_IDS.issuedTo(USER);
    static final String PRINCIPAL_ARN = "arn:aws:iam::999999999999:user/byoc-platform";
    private static final String CLOSE = "\u0000close";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-registry");
        t.setDaemon(true);
        return t;
    });
    /** "METHOD /path?query" of every request, in order. */
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** Bodies of requests, by "METHOD /path". */
    final Map<String, String> bodies = Collections.synchronizedMap(new LinkedHashMap<>());
    /** All clusters, oldest first (deleted ones too). */
    private final List<ObjectNode> clusters = new ArrayList<>();
    private final Map<String, ClusterSpec> specs = new HashMap<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private String context;
    volatile int pageSize = 50;
    /** Runs (on its own thread) after a cluster is created / deleted, e.g. to script status changes. */
    volatile Consumer<String> afterCreate = name -> { };
    volatile Consumer<String> afterDelete = name -> { };

    private record Stream(String clusterId, BlockingQueue<String> queue) {
    }

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- test controls ----------------------------------------------------------------------

    /** Adds a cluster as if registered {@code age} ago, from the demo spec with this name. */
    synchronized ObjectNode addCluster(String name, String status, String reason, Instant createdAt) {
        GridClusterRequest.Result parsed = GridClusterRequest.parse(TestSpecs.request(name));
        return insert(parsed.parsed(), status, reason, createdAt);
    }

    synchronized ObjectNode cluster(String name) {
        ObjectNode live = live(name);
        return live != null ? live : latest(name);
    }

    /** Changes a cluster's state and pushes a status event to its open streams. */
    void setStatus(String name, String status, String reason) {
        setStatus(name, status, reason, null, null);
    }

    void setStatus(String name, String status, String reason, JsonNode checks, JsonNode teardown) {
        ObjectNode cluster;
        synchronized (this) {
            cluster = cluster(name);
            cluster.put("status", status);
            if (reason == null) {
                cluster.putNull("reason");
            } else {
                cluster.put("reason", reason);
            }
            if (checks != null) {
                ((ObjectNode) cluster.get("validation")).set("checks", checks);
                cluster.put("lastValidatedAt", now().toString());
            }
            if (teardown != null) {
                cluster.set("teardown", teardown);
            }
            cluster.put("updatedAt", now().toString());
            if ("deleted".equals(status)) {
                cluster.put("released", true);
            }
        }
        push(cluster);
    }

    /** Cuts every open event stream (the client must reconnect). */
    void dropStreams() {
        for (Stream stream : streams) {
            stream.queue().add(CLOSE);
        }
    }

    long count(String method, String pathPrefix) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.startsWith(method + " " + pathPrefix)).count();
        }
    }

    synchronized String context() {
        return context;
    }

    // ---- the API ----------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(method + " " + path + (query == null ? "" : "?" + query));
        if (!body.isEmpty()) {
            bodies.put(method + " " + path, body);
        }
        Map<String, String> params = params(query);
        try {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + KEY)) {
                problem(exchange, 401, auth == null ? "send your API key as 'Authorization: Bearer <key>' (byoc login stores it)"
                        : "the API key is unknown or revoked; ask an admin for a new one", null);
                return;
            }
            List<String> parts = List.of(path.substring(1).split("/"));
            if (path.equals("/api/v1/users/me") && method.equals("GET")) {
                send(exchange, 200, Json.write(Map.of("username", USER, "admin", false)));
            } else if (path.equals("/api/v1/aws/prerequisites") && method.equals("GET")) {
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                send(exchange, 200, Json.write(prerequisites()));
            } else if (path.equals("/api/v1/users/me/cluster-context")) {
                clusterContext(exchange, method, body);
            } else if (path.equals("/api/v1/clusters") && method.equals("POST")) {
                create(exchange, body, "true".equals(params.get("dryRun")));
            } else if (path.equals("/api/v1/clusters") && method.equals("GET")) {
                list(exchange, params);
            } else if (parts.size() == 4 && path.startsWith("/api/v1/clusters/")) {
                String name = URLDecoder.decode(parts.get(3), StandardCharsets.UTF_8);
                switch (method) {
                    case "GET" -> get(exchange, name);
                    case "PATCH" -> patch(exchange, name, body);
                    case "DELETE" -> {
                        if ("true".equals(params.get("dryRun"))) {
                            deletePreview(exchange, name);
                        } else {
                            delete(exchange, name, "true".equals(params.get("force")));
                        }
                    }
                    default -> problem(exchange, 405, "this method is not allowed on this resource", null);
                }
            } else if (path.equals("/api/v1/events") && method.equals("GET")) {
                fleetEvents(exchange, exchange.getRequestHeaders().getFirst("Last-Event-ID"));
            } else if (parts.size() == 5 && parts.get(4).equals("verify") && method.equals("POST")) {
                verify(exchange, URLDecoder.decode(parts.get(3), StandardCharsets.UTF_8));
            } else if (parts.size() == 5 && parts.get(4).equals("events") && method.equals("GET")) {
                events(exchange, URLDecoder.decode(parts.get(3), StandardCharsets.UTF_8));
            } else {
                problem(exchange, 404, "no such resource", null);
            }
        } catch (RuntimeException e) {
            problem(exchange, 500, "unexpected error: " + e, null);
        }
    }

    private void create(HttpExchange exchange, String body, boolean dryRun) throws IOException {
        GridClusterRequest.Result result = GridClusterRequest.parse(body);
        if (!result.valid()) {
            invalid(exchange, result.violations());
            return;
        }
        var refused = TenantRules.externalId(result.parsed().externalId(), EXTERNAL_ID);
        if (refused.isPresent()) {
            invalid(exchange, List.of(new Violation(GridClusterRequest.AWS + ".external_id", refused.get())));
            return;
        }
        ObjectNode cluster;
        synchronized (this) {
            if (live(result.parsed().name()) != null) {
                problem(exchange, 409, "a cluster named '" + result.parsed().name() + "' already exists; "
                        + "pick another name or delete that cluster first", null);
                return;
            }
            if (dryRun) {
                send(exchange, 200, Json.write(Map.of("valid", true, "dryRun", true, "name", result.parsed().name(),
                        "spec", shown(result.parsed().spec()))));
                return;
            }
            cluster = insert(result.parsed(), "queued", null, now());
        }
        send(exchange, 201, view(cluster));
        String name = result.parsed().name();
        executor.submit(() -> afterCreate.accept(name));
    }

    /** The registry's PrerequisitesResource body, for {@link #USER}. */
    static Map<String, Object> prerequisites() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principalArn", PRINCIPAL_ARN);
        body.put("externalId", EXTERNAL_ID);
        ObjectNode policy = Json.mapper().createObjectNode().put("Version", "2012-10-17");
        ObjectNode statement = policy.putArray("Statement").addObject().put("Effect", "Allow");
        statement.putObject("Principal").put("AWS", PRINCIPAL_ARN);
        statement.put("Action", "sts:AssumeRole");
        statement.putObject("Condition").putObject("StringEquals").put("sts:ExternalId", EXTERNAL_ID);
        body.put("trustPolicy", policy);
        body.put("terraformVars", "platform_principal_arn = \"" + PRINCIPAL_ARN + "\"\n"
                + "external_id            = \"" + EXTERNAL_ID + "\"\n");
        return body;
    }

    /** The spec as the API shows it: the owner's issued external ID, masked. */
    private static JsonNode shown(ClusterSpec spec) {
        return GridClusterRequest.toGrid(null, spec, ExternalIds.mask(EXTERNAL_ID)).get("spec");
    }

    private synchronized ObjectNode insert(GridClusterRequest.Parsed request, String status, String reason, Instant createdAt) {
        ObjectNode cluster = Json.mapper().createObjectNode();
        String id = UUID.randomUUID().toString();
        cluster.put("id", id);
        cluster.put("name", request.name());
        cluster.put("type", "byoc");
        cluster.put("status", status);
        if (reason == null) {
            cluster.putNull("reason");
        } else {
            cluster.put("reason", reason);
        }
        cluster.put("createdAt", createdAt.toString());
        cluster.put("updatedAt", createdAt.toString());
        cluster.set("spec", shown(request.spec()));
        cluster.putObject("validation").putArray("checks");
        cluster.put("released", "deleted".equals(status));
        specs.put(id, request.spec());
        clusters.add(cluster);
        return cluster;
    }

    private void list(HttpExchange exchange, Map<String, String> params) throws IOException {
        boolean all = "true".equals(params.get("includeDeleted"));
        String status = params.get("status");
        int limit = Math.min(Integer.parseInt(params.getOrDefault("limit", "50")), pageSize);
        int offset = params.containsKey("after") ? Integer.parseInt(params.get("after")) : 0;
        List<ObjectNode> matching = new ArrayList<>();
        synchronized (this) {
            for (int i = clusters.size() - 1; i >= 0; i--) {
                ObjectNode c = clusters.get(i);
                if ((all || !c.path("released").asBoolean() || "deleted".equals(status))
                        && (status == null || status.equals(c.path("status").asText()))) {
                    matching.add(c);
                }
            }
        }
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode items = page.putArray("items");
        for (int i = offset; i < Math.min(matching.size(), offset + limit); i++) {
            items.add(Json.mapper().readTree(view(matching.get(i))));
        }
        if (offset + limit < matching.size()) {
            page.put("next", String.valueOf(offset + limit));
        }
        send(exchange, 200, Json.write(page));
    }

    private void get(HttpExchange exchange, String name) throws IOException {
        ObjectNode cluster = cluster(name);
        if (cluster == null) {
            notFound(exchange, name);
            return;
        }
        send(exchange, 200, view(cluster));
    }

    private void patch(HttpExchange exchange, String name, String body) throws IOException {
        ObjectNode cluster;
        synchronized (this) {
            cluster = live(name);
            if (cluster == null) {
                notFound(exchange, name);
                return;
            }
            String status = cluster.path("status").asText();
            if (status.equals("terminating")) {
                problem(exchange, 409, "cluster '" + name + "' is terminating; it can no longer be edited", null);
                return;
            }
            ClusterEdit.Result edit = ClusterEdit.apply(specs.get(cluster.path("id").asText()), Json.mapper().readTree(body));
            if (!edit.valid()) {
                invalid(exchange, edit.violations());
                return;
            }
            if (edit.rotation()) {
                rotate(exchange, cluster, edit.candidateRoleArn());
                return;
            }
            if (!edit.changed().isEmpty()) {
                specs.put(cluster.path("id").asText(), edit.spec());
                cluster.set("spec", shown(edit.spec()));
                cluster.put("updatedAt", now().toString());
            }
        }
        send(exchange, 200, view(cluster));
    }

    /** The provisioner's verdict on a rotation, at once: a candidate whose name ends with -good passes, any other fails. */
    private void rotate(HttpExchange exchange, ObjectNode cluster, String candidate) throws IOException {
        String id = cluster.path("id").asText();
        ClusterSpec current = specs.get(id);
        boolean good = candidate.endsWith("-good");
        Map<String, Object> rotation = new LinkedHashMap<>();
        rotation.put("id", java.util.UUID.randomUUID().toString());
        rotation.put("status", good ? "switched" : "failed");
        rotation.put("roleArn", candidate);
        rotation.put("fromRoleArn", current.roleArn());
        List<Map<String, Object>> checks = List.of(new LinkedHashMap<>(Map.of("id", "assume-role", "status", good ? "pass" : "fail",
                "message", (good ? "assumed " : "cannot assume ") + candidate)));
        if (!good) {
            checks.get(0).put("remediation", "make the trust policy of " + candidate + " trust the platform");
        }
        rotation.put("checks", checks);
        Map<String, Object> body = new LinkedHashMap<>();
        if (good) {
            ClusterSpec switched = current.rotatedTo(candidate);
            specs.put(id, switched);
            cluster.set("spec", shown(switched));
            body.put("cluster", Json.mapper().readTree(view(cluster)));
            body.put("rotation", rotation);
            send(exchange, 200, Json.write(body));
            return;
        }
        rotation.put("reason", "rotation failed: assume-role: cannot assume " + candidate);
        body.put("type", "https://byoc.dev/problems/rotation-failed");
        body.put("title", "The new role failed validation");
        body.put("status", 422);
        body.put("detail", rotation.get("reason") + "; the cluster keeps running on " + current.roleArn());
        body.put("rotation", rotation);
        body.put("checks", checks);
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        send(exchange, 422, Json.write(body));
    }

    /** What DELETE ?dryRun=true answers for any cluster: a canned preview of {@code objectCount} objects. */
    volatile JsonNode teardownPreview;

    private void deletePreview(HttpExchange exchange, String name) throws IOException {
        ObjectNode cluster = cluster(name);
        if (cluster == null) {
            notFound(exchange, name);
            return;
        }
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.put("dryRun", true);
        answer.set("cluster", Json.mapper().readTree(view(cluster)));
        answer.put("message", "dry run: nothing was changed");
        answer.set("teardown", teardownPreview);
        send(exchange, 200, Json.write(answer));
    }

    private void delete(HttpExchange exchange, String name, boolean force) throws IOException {
        ObjectNode cluster = cluster(name);
        if (cluster == null) {
            notFound(exchange, name);
            return;
        }
        if (!cluster.path("released").asBoolean()) {
            ReasonCode code = force ? ReasonCode.FORCE_DELETED : ReasonCode.DELETION_REQUESTED;
            setStatus(name, force ? "deleted" : "terminating", code.text());
            synchronized (this) {
                cluster.put("reasonCode", code.wire());
            }
        }
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.set("cluster", Json.mapper().readTree(view(cluster)));
        answer.put("message", force ? "cluster record removed; --force does not delete any resources" : "deletion requested; "
                + "the platform removes what it created under byoc/ in the bucket and reports what is left");
        send(exchange, 202, Json.write(answer));
        executor.submit(() -> afterDelete.accept(name));
    }

    private void clusterContext(HttpExchange exchange, String method, String body) throws IOException {
        if (method.equals("GET")) {
            synchronized (this) {
                if (context == null) {
                    problem(exchange, 404, "no cluster context set; use PUT with {\"cluster\": \"<name>\"}", null);
                    return;
                }
                send(exchange, 200, Json.write(Map.of("cluster", context, "id", live(context).path("id").asText())));
            }
            return;
        }
        String name = Json.mapper().readTree(body).path("cluster").asText();
        ObjectNode cluster;
        synchronized (this) {
            cluster = live(name);
            if (cluster != null) {
                context = name;
            }
        }
        if (cluster == null) {
            notFound(exchange, name);
            return;
        }
        send(exchange, 200, Json.write(Map.of("cluster", name, "id", cluster.path("id").asText())));
    }

    private void events(HttpExchange exchange, String name) throws IOException {
        ObjectNode cluster = cluster(name);
        if (cluster == null) {
            notFound(exchange, name);
            return;
        }
        Stream stream = new Stream(cluster.path("id").asText(), new LinkedBlockingQueue<>());
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        stream.queue().add(event(cluster));
        streams.add(stream);
        try {
            while (true) {
                String next = stream.queue().poll(15, TimeUnit.SECONDS);
                if (CLOSE.equals(next)) {
                    break;
                }
                out.write((next == null ? ": keep-alive\n\n" : next).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException | IOException e) {
            // the client went away, or the server stops
        } finally {
            streams.remove(stream);
            exchange.close();
        }
    }

    /** The fleet's log, as the registry's fleet stream serves it: one partition, the index is the offset. */
    private final List<String> fleetLog = new ArrayList<>();
    private static final String FLEET = "*";

    /** GET /api/v1/events: from the end, or after Last-Event-ID ("0-<offset>"), then live. */
    private void fleetEvents(HttpExchange exchange, String lastEventId) throws IOException {
        Stream stream = new Stream(FLEET, new LinkedBlockingQueue<>());
        synchronized (fleetLog) {
            if (lastEventId != null) {
                int after = Integer.parseInt(lastEventId.substring(lastEventId.indexOf('-') + 1));
                for (int i = after + 1; i < fleetLog.size(); i++) {
                    stream.queue().add(fleetLog.get(i));
                }
            }
            streams.add(stream);
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            out.write(": fleet\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String next = stream.queue().poll(15, TimeUnit.SECONDS);
                if (CLOSE.equals(next)) {
                    break;
                }
                out.write((next == null ? ": keep-alive\n\n" : next).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException | IOException e) {
            // the client went away, or the server stops
        } finally {
            streams.remove(stream);
            exchange.close();
        }
    }

    /** POST …/verify: 202, as the registry answers; the tests then drive the report with {@link #setStatus}. */
    private void verify(HttpExchange exchange, String name) throws IOException {
        ObjectNode cluster = cluster(name);
        if (cluster == null) {
            notFound(exchange, name);
            return;
        }
        send(exchange, 202, Json.write(Map.of("cluster", Json.mapper().readTree(view(cluster)), "verification",
                Map.of("id", UUID.randomUUID().toString(), "trigger", "user"), "message", "verification requested")));
    }

    /** Records {@code type} about the cluster in the fleet log and pushes it to the open fleet streams. */
    void pushFleet(ObjectNode cluster, String type, Map<String, Object> data) {
        synchronized (fleetLog) {
            int offset = fleetLog.size();
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", UUID.randomUUID().toString());
            event.put("type", type);
            event.put("clusterId", cluster.path("id").asText());
            event.put("cluster", cluster.path("name").asText());
            event.put("data", data);
            event.put("recordedAt", now().toString());
            event.put("partition", 0);
            event.put("offset", offset);
            String sse = "event: cluster-event\nid: 0-" + offset + "\ndata: " + Json.write(event) + "\n\n";
            fleetLog.add(sse);
            for (Stream stream : streams) {
                if (stream.clusterId().equals(FLEET)) {
                    stream.queue().add(sse);
                }
            }
        }
    }

    private void push(ObjectNode cluster) {
        if (cluster.path("validation").path("checks").size() > 0) {
            JsonNode checks = cluster.path("validation").path("checks");
            boolean failed = java.util.stream.StreamSupport.stream(checks.spliterator(), false)
                    .anyMatch(c -> "fail".equals(c.path("status").asText()));
            pushFleet(cluster, failed ? "byoc.cluster.validation-failed.v1" : "byoc.cluster.validated.v1",
                    Map.of("clusterId", cluster.path("id").asText(), "checks", checks));
        }
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("clusterId", cluster.path("id").asText());
        changed.put("to", cluster.path("status").asText());
        changed.put("reason", cluster.get("reason").isNull() ? null : cluster.get("reason").asText());
        pushFleet(cluster, "byoc.cluster.status-changed.v1", changed);
        String event = event(cluster);
        for (Stream stream : streams) {
            if (stream.clusterId().equals(cluster.path("id").asText())) {
                stream.queue().add(event);
            }
        }
    }

    /** The registry's wire format: "event:status" and "data:" without a space (both are valid SSE). */
    private synchronized String event(ObjectNode cluster) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", cluster.path("id").asText());
        data.put("name", cluster.path("name").asText());
        data.put("status", cluster.path("status").asText());
        data.put("reason", cluster.get("reason").isNull() ? null : cluster.get("reason").asText());
        data.put("updatedAt", cluster.path("updatedAt").asText());
        data.put("lastValidatedAt", cluster.hasNonNull("lastValidatedAt") ? cluster.get("lastValidatedAt").asText() : null);
        data.put("checks", cluster.path("validation").path("checks"));
        data.put("teardown", cluster.get("teardown"));
        return "event:status\ndata:" + Json.write(data) + "\n\n";
    }

    // ---- helpers ----------------------------------------------------------------------------

    private ObjectNode live(String name) {
        for (ObjectNode c : clusters) {
            if (c.path("name").asText().equals(name) && !c.path("released").asBoolean()) {
                return c;
            }
        }
        return null;
    }

    private ObjectNode latest(String name) {
        ObjectNode found = null;
        for (ObjectNode c : clusters) {
            if (c.path("name").asText().equals(name)) {
                found = c;
            }
        }
        return found;
    }

    private synchronized String view(ObjectNode cluster) {
        ObjectNode copy = cluster.deepCopy();
        copy.remove("released");
        return Json.write(copy);
    }

    private void notFound(HttpExchange exchange, String name) throws IOException {
        List<String> close = new ArrayList<>();
        synchronized (this) {
            for (ObjectNode c : clusters) {
                String other = c.path("name").asText();
                if (!c.path("released").asBoolean() && !close.contains(other) && name.length() >= 3
                        && (other.startsWith(name.substring(0, 3)) || other.contains(name) || name.contains(other))) {
                    close.add(other);
                }
            }
        }
        problem(exchange, 404, "no cluster named '" + name + "'"
                + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"), null);
    }

    private void invalid(HttpExchange exchange, List<Violation> errors) throws IOException {
        String detail = errors.size() == 1 ? errors.get(0).path() + ": " + errors.get(0).message()
                : errors.size() + " fields break the rules; see errors";
        problem(exchange, 400, detail, errors);
    }

    private void problem(HttpExchange exchange, int status, String detail, List<Violation> errors) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://byoc.dev/problems/test");
        problem.put("title", "problem");
        problem.put("status", status);
        problem.put("detail", detail);
        if (errors != null) {
            problem.put("errors", errors);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        send(exchange, status, Json.write(problem));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
