package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows {@code GET /api/v1/clusters/{name}/events} (Server-Sent Events) on a daemon thread and
 * hands every {@code status} event to a sink — or, made with {@link #fleet}, the fleet stream
 * {@code GET /api/v1/events} and its {@code cluster-event}s, resumed after the last one received
 * with {@code Last-Event-ID} (the registry then sends exactly what followed it). A stream that ends, breaks, or stays silent longer
 * than the idle timeout (the server sends a keep-alive comment every 15 s) is reopened with backoff
 * (or the server's {@code retry:}); the sink hears about each drop. Only {@link #close()} stops it.
 */
public final class StatusStream implements AutoCloseable {
    /** What the stream reports. */
    public sealed interface Signal permits Update, Connected, Dropped {
    }

    /**
     * One {@code status} event's data: {id, name, status, reason, updatedAt, lastValidatedAt, checks,
     * teardown}; on the fleet stream one {@code cluster-event}'s: {id, type, clusterId, cluster, data,
     * recordedAt, partition, offset}, and {@code cluster} is the event's cluster name.
     */
    public record Update(String cluster, JsonNode data) implements Signal {
    }

    public record Connected(String cluster) implements Signal {
    }

    /**
     * The stream is gone; it is retried after {@code retryIn}. {@code error} is set when the registry
     * answered with an error status (401, 404, …) rather than the connection breaking.
     */
    public record Dropped(String cluster, String why, Duration retryIn, int httpStatus, CliException error) implements Signal {
    }

    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(45);

    private final RegistryClient client;
    private final String name;
    private final Consumer<Signal> sink;
    private final Duration idleTimeout;
    private final Duration maxBackoff;
    private volatile boolean closed;
    private volatile InputStream current;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean kicked;
    private volatile Duration serverRetry;
    private volatile String lastEventId;
    private Thread thread;

    public StatusStream(RegistryClient client, String name, Consumer<Signal> sink, Duration idleTimeout, Duration maxBackoff) {
        this.client = client;
        this.name = name;
        this.sink = sink;
        this.idleTimeout = idleTimeout;
        this.maxBackoff = maxBackoff;
    }

    /** The fleet stream: every event of the caller's clusters, from now on. */
    public static StatusStream fleet(RegistryClient client, Consumer<Signal> sink, Duration idleTimeout, Duration maxBackoff) {
        return new StatusStream(client, null, sink, idleTimeout, maxBackoff);
    }

    private boolean fleet() {
        return name == null;
    }

    public StatusStream start() {
        thread = new Thread(this::run, "byoc-events-" + (fleet() ? "fleet" : name));
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Drops a connection that has been silent for longer than the idle timeout; the loop reconnects. */
    public void kickIfIdle() {
        InputStream in = current;
        if (in != null && System.nanoTime() - lastActivity > idleTimeout.toNanos()) {
            kicked = true;
            closeQuietly(in);
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = current;
        if (in != null) {
            closeQuietly(in);
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            String why;
            int status = 0;
            CliException error = null;
            try {
                HttpResponse<InputStream> response = open();
                if (response.statusCode() == 200) {
                    failures = 0;
                    lastActivity = System.nanoTime();
                    kicked = false;
                    sink.accept(new Connected(name));
                    try (InputStream in = response.body()) {
                        current = in;
                        read(in);
                        why = kicked ? "no data for " + idleTimeout.toSeconds() + " s" : "the registry closed the stream";
                    } catch (IOException e) {
                        why = kicked ? "no data for " + idleTimeout.toSeconds() + " s" : "the stream broke ("
                                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
                    } finally {
                        current = null;
                    }
                } else {
                    status = response.statusCode();
                    String body;
                    try (InputStream in = response.body()) {
                        body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                    }
                    error = client.failure(status, body);
                    why = error.getMessage();
                }
            } catch (IOException e) {
                why = client.unreachable(e).getMessage();
            } catch (TimeoutException e) {
                why = "no answer within " + idleTimeout.toSeconds() + " s";
            } catch (InterruptedException e) {
                break;
            }
            if (closed) {
                break;
            }
            failures++;
            Duration wait = serverRetry != null && failures == 1 ? serverRetry : backoff(failures);
            sink.accept(new Dropped(name, why, wait, status, error));
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** Waits for the response headers no longer than the idle timeout (the body is watched by {@link #kickIfIdle()}). */
    private HttpResponse<InputStream> open() throws IOException, InterruptedException, TimeoutException {
        CompletableFuture<HttpResponse<InputStream>> future = CompletableFuture.supplyAsync(() -> {
            try {
                return fleet() ? client.openFleetEvents(lastEventId) : client.openEvents(name, lastEventId);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "byoc-connect-" + name);
            t.setDaemon(true);
            t.start();
        });
        try {
            return future.get(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IOException(cause);
        } catch (TimeoutException | InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private Duration backoff(int failures) {
        long millis = Math.min(maxBackoff.toMillis(), 250L << Math.min(failures, 10));
        return Duration.ofMillis(millis);
    }

    /** The SSE wire format (WHATWG): fields until a blank line; ':' starts a comment. */
    private void read(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            lastActivity = System.nanoTime();
            if (closed) {
                return;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    dispatch(event == null ? "message" : event, data.toString());
                }
                event = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "id" -> lastEventId = value.indexOf('\0') >= 0 ? lastEventId : value;
                case "retry" -> {
                    if (value.matches("\\d{1,9}")) {
                        serverRetry = Duration.ofMillis(Long.parseLong(value));
                    }
                }
                default -> {
                }
            }
        }
    }

    private void dispatch(String event, String data) {
        if (!event.equals(fleet() ? "cluster-event" : "status") && !event.equals("message")) {
            return;
        }
        try {
            JsonNode node = Json.mapper().readTree(data);
            if (node != null && node.isObject()) {
                sink.accept(new Update(fleet() ? node.path("cluster").asText() : name, node));
            }
        } catch (IOException ignored) {
            // not ours to understand; the next event will do
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing to unblock the reader
        }
    }
}
