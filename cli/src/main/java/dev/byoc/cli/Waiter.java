package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * --wait: follows the cluster's live status stream (no polling) until the goal, a failure, or the
 * timeout, reconnecting whenever the stream drops. The service's statuses do not flap, so the first
 * {@code failed} is the answer.
 */
public final class Waiter {
    /** What the caller waits for. */
    public enum Goal {
        RUNNING("creation"), DELETED("deletion");

        /** What goes on in the background when the user stops waiting. */
        final String operation;

        Goal(String operation) {
            this.operation = operation;
        }
    }

    public enum Result {
        /** The goal status was reached. */
        REACHED,
        /** The cluster failed (validation, provisioning or teardown). */
        FAILED,
        /** Waiting for running, the cluster was deleted instead. */
        GONE,
        TIMED_OUT
    }

    public record Outcome(Result result, JsonNode last, Duration elapsed) {
    }

    /** How long a 404 on the stream is taken for a not-yet-visible cluster before it counts. */
    private static final Duration NOT_FOUND_GRACE = Duration.ofSeconds(10);

    private final Env env;
    private final RegistryClient client;
    private final Duration idleTimeout;
    private final Duration maxBackoff;

    public Waiter(Env env, RegistryClient client) {
        this(env, client, idleTimeout(env), Duration.ofSeconds(5));
    }

    Waiter(Env env, RegistryClient client, Duration idleTimeout, Duration maxBackoff) {
        this.env = env;
        this.client = client;
        this.idleTimeout = idleTimeout;
        this.maxBackoff = maxBackoff;
    }

    public static Duration idleTimeout(Env env) {
        String value = env.var("BYOC_STREAM_IDLE_TIMEOUT");
        return value == null ? StatusStream.DEFAULT_IDLE_TIMEOUT : new DurationConverter().convert(value);
    }

    /**
     * @param clusterId   the id of the cluster the command acted on; events of another cluster with the
     *                    same name (a deleted predecessor) are ignored
     * @param requestedAt when the deletion was requested: an earlier {@code failed} is not the deletion's
     */
    public Outcome await(String name, String clusterId, Goal goal, Duration timeout, Instant requestedAt) {
        long start = System.nanoTime();
        long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
        Progress progress = new Progress(env, name, start);
        BlockingQueue<StatusStream.Signal> signals = new LinkedBlockingQueue<>();
        StatusStream stream = new StatusStream(client, name, signals::add, idleTimeout, maxBackoff);
        Thread hook = new Thread(() -> {
            progress.clear();
            env.err().println();
            env.err().println(env.errStyle().yellow("interrupted:") + " stopped waiting; the " + goal.operation + " of "
                    + name + " continues in the background");
            env.err().println("  check it with `byoc clusters describe " + name + "` or follow it with `byoc events tail --cluster "
                    + name + "`");
        }, "byoc-interrupted");
        boolean hooked = addHook(hook);
        stream.start();
        JsonNode last = null;
        String lastKey = null;
        String shown = null;
        boolean seenTerminating = false;
        boolean dropped = false;
        long first404 = -1;
        try {
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return new Outcome(Result.TIMED_OUT, last, progress.elapsed());
                }
                long pollMillis = Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1, env.stderrTty() ? 100 : 1000);
                StatusStream.Signal signal = signals.poll(pollMillis, TimeUnit.MILLISECONDS);
                stream.kickIfIdle();
                if (signal == null) {
                    progress.tick();
                    continue;
                }
                if (signal instanceof StatusStream.Connected) {
                    if (dropped) {
                        progress.note("reconnected to the status stream");
                        dropped = false;
                    }
                    first404 = -1;
                } else if (signal instanceof StatusStream.Dropped drop) {
                    if (drop.httpStatus() == 401 || drop.httpStatus() == 403) {
                        throw drop.error();
                    }
                    if (drop.httpStatus() == 404) {
                        first404 = first404 < 0 ? now : first404;
                        if (now - first404 > NOT_FOUND_GRACE.toNanos()) {
                            throw drop.error();
                        }
                    }
                    dropped = true;
                    progress.note("status stream dropped: " + drop.why() + "; reconnecting in "
                            + Math.max(1, Math.round(drop.retryIn().toMillis() / 1000.0)) + " s");
                } else if (signal instanceof StatusStream.Update update) {
                    JsonNode event = update.data();
                    String id = Reports.text(event, "id");
                    if (clusterId != null && id != null && !clusterId.equals(id)) {
                        continue;
                    }
                    String status = Reports.text(event, "status");
                    String key = status + "|" + Reports.text(event, "reason") + "|" + Reports.text(event, "updatedAt")
                            + "|" + event.path("teardown").isObject();
                    if (key.equals(lastKey)) {
                        continue; // the first event after a reconnect repeats the current state
                    }
                    lastKey = key;
                    last = event;
                    String line = status + "|" + Reports.text(event, "reason");
                    if (!line.equals(shown)) {
                        shown = line; // a report that changed under the same status and reason is not news
                        progress.status(event);
                    }
                    ClusterStatus known = Reports.status(status);
                    if (known == null) {
                        continue; // no status, or a newer server's: shown, but neither the goal nor a failure
                    }
                    if (goal == Goal.RUNNING) {
                        switch (known) {
                            case RUNNING:
                                return new Outcome(Result.REACHED, event, progress.elapsed());
                            case FAILED:
                                return new Outcome(Result.FAILED, event, progress.elapsed());
                            case TERMINATING, DELETED:
                                return new Outcome(Result.GONE, event, progress.elapsed());
                            default:
                                break;
                        }
                    } else {
                        if (known == ClusterStatus.TERMINATING) {
                            seenTerminating = true;
                        } else if (known == ClusterStatus.DELETED) {
                            return new Outcome(Result.REACHED, event, progress.elapsed());
                        } else if (known == ClusterStatus.FAILED && (seenTerminating || after(event, requestedAt))) {
                            return new Outcome(Result.FAILED, event, progress.elapsed());
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        } finally {
            stream.close();
            progress.clear();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down: let the hook speak
                }
            }
        }
    }

    private static boolean after(JsonNode event, Instant requestedAt) {
        Instant updated = Humanize.instant(Reports.text(event, "updatedAt"));
        return requestedAt != null && updated != null && !updated.isBefore(requestedAt);
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }
}
