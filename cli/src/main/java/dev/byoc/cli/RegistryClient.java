package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;

/**
 * The registry's REST API over java.net.http. Every failure becomes a {@link CliException} with the
 * right exit code: 4 when the registry cannot be reached or refuses the key, 2 when it rejects the
 * input (with the violations and their JSON paths), 1 for anything else that went wrong on its side.
 */
public class RegistryClient {
    static final String USER_AGENT = "byoc-cli/" + Version.get();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Credentials.Target target;
    private final HttpClient http;

    public RegistryClient(Credentials.Target target) {
        this.target = target;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance on every plain-HTTP call (and SSE is HTTP/1.1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER); // never hand the key to another host
        if (target.url().startsWith("http://")) {
            // plain HTTP never uses TLS: skip loading the default SSL context and trust store (~¼ s of start-up)
            builder.sslContext(new NoTls()).sslParameters(new SSLParameters());
        }
        this.http = builder.build();
    }

    // ---- the API ---------------------------------------------------------------------------

    public JsonNode me() {
        return json(send(request("/api/v1/users/me").GET(), 200));
    }

    /**
     * {@code {principalArn, externalId, trustPolicy, terraformVars}}: what to set up in the AWS
     * account before registering. The only answer holding the caller's full issued external ID.
     */
    public JsonNode prerequisites() {
        return json(send(request("/api/v1/aws/prerequisites").GET(), 200));
    }

    /** Every page, following {@code next}. */
    public List<JsonNode> list(boolean includeDeleted, String status) {
        List<JsonNode> items = new ArrayList<>();
        String after = null;
        do {
            StringBuilder path = new StringBuilder("/api/v1/clusters?limit=200");
            if (includeDeleted) {
                path.append("&includeDeleted=true");
            }
            if (status != null) {
                path.append("&status=").append(encode(status));
            }
            if (after != null) {
                path.append("&after=").append(encode(after));
            }
            JsonNode page = json(send(request(path.toString()).GET(), 200));
            page.path("items").forEach(items::add);
            after = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (after != null);
        return items;
    }

    public JsonNode get(String name) {
        return json(send(request(clusterPath(name)).GET(), 200));
    }

    public JsonNode create(JsonNode body, boolean dryRun) {
        return json(send(request("/api/v1/clusters" + (dryRun ? "?dryRun=true" : ""))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)), 200, 201));
    }

    public JsonNode patch(String name, JsonNode mergePatch) {
        return json(send(request(clusterPath(name))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(mergePatch), StandardCharsets.UTF_8)), 200));
    }

    /** The registry's answer to a role rotation: its status (200 switched, 202 validating, 422 failed) and body. */
    public record Answer(int status, JsonNode body) {
    }

    /**
     * PATCH of {@code role_arn}: {@code {cluster, rotation, message}} once switched (200) or while
     * validating (202, {@code rotation.id} to follow), the {@code rotation-failed} problem with the
     * candidate's {@code checks} (422).
     */
    public Answer rotate(String name, JsonNode mergePatch) {
        HttpResponse<String> response = send(request(clusterPath(name))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(mergePatch), StandardCharsets.UTF_8)),
                200, 202, 422);
        JsonNode body = json(response);
        if (response.statusCode() == 422 && !body.path("type").asText().endsWith("/rotation-failed")) {
            throw failure(422, response.body());
        }
        return new Answer(response.statusCode(), body);
    }

    /** {@code {id, status, roleArn, fromRoleArn, checks?, reason?}} of a rotation. */
    public JsonNode rotation(String name, String id) {
        return json(send(request(clusterPath(name) + "/rotations/" + encode(id)).GET(), 200));
    }

    /** {@code {cluster, verification: {id, trigger}, message}}: the checks run again, the report arrives on the cluster. */
    public JsonNode verify(String name) {
        return json(send(request(clusterPath(name) + "/verify").POST(HttpRequest.BodyPublishers.noBody()), 202));
    }

    /** {@code {cluster, message}}. */
    public JsonNode delete(String name, boolean force) {
        return json(send(request(clusterPath(name) + (force ? "?force=true" : "")).DELETE(), 200, 202));
    }

    /** {@code {dryRun, cluster, message, teardown}}: what deleting would remove and leave; nothing is changed. */
    public JsonNode deletePreview(String name) {
        return json(send(request(clusterPath(name) + "?dryRun=true").DELETE(), 200));
    }

    public JsonNode setClusterContext(String name) {
        return json(send(request("/api/v1/users/me/cluster-context")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(java.util.Map.of("cluster", name)), StandardCharsets.UTF_8)),
                200));
    }

    public JsonNode getClusterContext() {
        return json(send(request("/api/v1/users/me/cluster-context").GET(), 200));
    }

    /**
     * Opens the cluster's Server-Sent Events stream. No request timeout: the stream lives as long as
     * the server keeps it; the caller watches for silence (keep-alives come every 15 s).
     */
    public HttpResponse<InputStream> openEvents(String name, String lastEventId) throws IOException, InterruptedException {
        return openStream(clusterPath(name) + "/events", lastEventId);
    }

    /** The fleet stream (every event of the caller's clusters); resumed exactly after {@code lastEventId}. */
    public HttpResponse<InputStream> openFleetEvents(String lastEventId) throws IOException, InterruptedException {
        return openStream("/api/v1/events", lastEventId);
    }

    private HttpResponse<InputStream> openStream(String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + target.key())
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache")
                .header("User-Agent", USER_AGENT)
                .GET();
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    // ---- plumbing --------------------------------------------------------------------------

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + target.key())
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", USER_AGENT);
    }

    private URI uri(String path) {
        return URI.create(target.url() + path);
    }

    static String clusterPath(String name) {
        return "/api/v1/clusters/" + encode(name).replace("+", "%20");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int... ok) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        for (int code : ok) {
            if (response.statusCode() == code) {
                return response;
            }
        }
        throw failure(response.statusCode(), response.body());
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "the registry answered " + response.statusCode()
                    + " with a body that is not JSON: " + abbreviate(response.body()));
        }
    }

    /** Cannot talk to the registry at all: exit 4, saying where we tried and how to change it. */
    public CliException unreachable(IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof ConnectException || hasCause(e, ConnectException.class)) {
            why = "connection refused";
        } else if (hasCause(e, UnknownHostException.class) || hasCause(e, UnresolvedAddressException.class)) {
            why = "unknown host";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new CliException(ExitCodes.UNREACHABLE, "cannot reach the registry at " + target.url() + " (" + why + ")",
                List.of("is it running? set the address with BYOC_URL or `byoc login --url <url>`"));
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A non-2xx answer as an exit code and message: the problem document's detail, and one line per
     * violation ({@code path: message}).
     */
    public CliException failure(int status, String body) {
        String detail = null;
        List<String> lines = new ArrayList<>();
        try {
            JsonNode problem = Json.mapper().readTree(body == null ? "" : body);
            if (problem != null && problem.isObject()) {
                detail = problem.hasNonNull("detail") ? problem.get("detail").asText()
                        : problem.hasNonNull("title") ? problem.get("title").asText() : null;
                for (JsonNode error : problem.path("errors")) {
                    lines.add(error.path("path").asText("$") + ": " + error.path("message").asText());
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not a problem document
        }
        if (detail == null) {
            detail = body == null || body.isBlank() ? "HTTP " + status : "HTTP " + status + ": " + abbreviate(body);
        }
        if (status == 401 || status == 403) {
            List<String> hint = List.of("the key came from " + target.keySource()
                    + "; run `byoc login --username <you> --key <API key>` with a valid key");
            return new CliException(ExitCodes.UNREACHABLE, "the registry at " + target.url() + " refused the API key: "
                    + detail, hint);
        }
        if (status == 400 || status == 422) {
            if (lines.size() == 1) {
                return new CliException(ExitCodes.USAGE, lines.get(0));
            }
            if (lines.size() > 1) {
                return new CliException(ExitCodes.USAGE, "the registry refused the request: " + lines.size()
                        + " fields break the rules", lines);
            }
            return new CliException(ExitCodes.USAGE, detail);
        }
        if (status >= 400 && status < 500) {
            return new CliException(ExitCodes.USAGE, detail, lines);
        }
        if (status == 502 || status == 503 || status == 504) {
            return new CliException(ExitCodes.UNREACHABLE, "the registry at " + target.url() + " is unavailable ("
                    + status + "): " + detail, List.of("nothing was changed; retry shortly"));
        }
        return new CliException(ExitCodes.FAILED, "the registry failed (" + status + "): " + detail, lines);
    }

    static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
