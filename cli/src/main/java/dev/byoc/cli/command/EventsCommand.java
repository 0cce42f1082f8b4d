package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Output;
import dev.byoc.cli.Reports;
import dev.byoc.cli.StatusStream;
import dev.byoc.cli.Style;
import dev.byoc.cli.Waiter;
import dev.byoc.contracts.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", description = "Live cluster events.", subcommands = EventsCommand.Tail.class)
public class EventsCommand extends GroupCommand {

    @Command(name = "tail", sortOptions = false,
            description = {"Follow status changes live, one line per change (the current state of each cluster first): "
                    + "time, cluster, status, reason; and each check whose status changed (e.g. external-id-enforced: "
                    + "pass -> fail).",
                "Without --cluster, follows every cluster you own (an admin: every cluster) on the registry's fleet "
                    + "stream, new ones included. Runs until Ctrl-C; when the stream drops it reconnects and resumes "
                    + "right after the last event received (nothing lost, nothing repeated).",
                "-o json: one object per line: first each cluster's current state (id, name, status, reason, "
                    + "updatedAt), then each event as the fleet stream sends it (id, type, clusterId, cluster, data, "
                    + "recordedAt, partition, offset)."})
    public static class Tail extends BaseCommand {
        @Option(names = "--cluster", paramLabel = "<name>", description = "Only this cluster.")
        String cluster;

        @Mixin
        OutputOptions output;

        @Option(names = "--count", paramLabel = "<n>", description = "Stop after this many events.")
        Integer count;

        @Override
        public Integer call() throws InterruptedException {
            checkUsage(count == null || count > 0, "--count must be at least 1");
            checkUsage(output.format != Output.yaml, "events tail prints table lines or json (one object per line)");
            if (cluster == null) {
                return followFleet();
            }
            BlockingQueue<StatusStream.Signal> signals = new LinkedBlockingQueue<>();
            Map<String, StatusStream> streams = new LinkedHashMap<>();
            Map<String, String> lastKey = new HashMap<>();
            Map<String, Long> notFoundSince = new HashMap<>();
            Map<String, Map<String, String>> checksSeen = new HashMap<>();
            Duration idle = Waiter.idleTimeout(env());
            int seen = 0;
            try {
                streams.put(cluster, new StatusStream(client(), cluster, signals::add, idle, Duration.ofSeconds(5)).start());
                while (true) {
                    StatusStream.Signal signal = signals.poll(500, TimeUnit.MILLISECONDS);
                    streams.values().forEach(StatusStream::kickIfIdle);
                    if (signal instanceof StatusStream.Update update) {
                        JsonNode event = update.data();
                        // a check whose status changed since the last report seen: one line each (not on the first state)
                        Map<String, String> now = checkStatuses(Reports.checks(event));
                        Map<String, String> before = checksSeen.put(update.cluster(), now);
                        if (before != null && output.format != Output.json) {
                            for (Map.Entry<String, String> check : now.entrySet()) {
                                String was = before.get(check.getKey());
                                if (was != null && !was.equals(check.getValue())) {
                                    out().println(Reports.text(event, "updatedAt") + "  " + Reports.text(event, "name")
                                            + "  check " + check.getKey() + ": " + was + " -> " + outStyle().check(check.getValue()));
                                }
                            }
                        }
                        // one line per change of status or reason (a re-sent state or a report update is not one)
                        String key = Reports.text(event, "status") + "|" + Reports.text(event, "reason") + "|"
                                + event.path("teardown").isObject();
                        if (key.equals(lastKey.put(update.cluster(), key))) {
                            continue;
                        }
                        print(event);
                        if (count != null && ++seen >= count) {
                            return ExitCodes.OK;
                        }
                    } else if (signal instanceof StatusStream.Dropped drop) {
                        if (drop.httpStatus() == 401 || drop.httpStatus() == 403) {
                            throw drop.error();
                        }
                        if (drop.httpStatus() == 404) {
                            long since = notFoundSince.computeIfAbsent(drop.cluster(), k -> System.nanoTime());
                            if (System.nanoTime() - since > Duration.ofSeconds(10).toNanos()) {
                                throw drop.error();
                            }
                        }
                        info(errStyle().yellow("stream for " + drop.cluster() + " dropped:") + " " + drop.why()
                                + "; reconnecting");
                    } else if (signal instanceof StatusStream.Connected connected) {
                        notFoundSince.remove(connected.cluster());
                    }
                }
            } finally {
                streams.values().forEach(StatusStream::close);
            }
        }

        /**
         * The fleet: the stream is opened first (it starts at the end of the log), then each
         * cluster's current state is printed from the list, then every event as it comes.
         */
        private Integer followFleet() throws InterruptedException {
            BlockingQueue<StatusStream.Signal> signals = new LinkedBlockingQueue<>();
            Duration idle = Waiter.idleTimeout(env());
            Map<String, Map<String, String>> checksOf = new HashMap<>();
            int seen = 0;
            try (StatusStream fleet = StatusStream.fleet(client(), signals::add, idle, Duration.ofSeconds(5)).start()) {
                List<JsonNode> clusters = client().list(false, null);
                if (clusters.isEmpty() && output.format != Output.json) {
                    info("no clusters yet; waiting for one to be registered (Ctrl-C to stop)");
                }
                for (JsonNode c : clusters) {
                    checksOf.put(Reports.text(c, "name"), checkStatuses(Reports.checks(c)));
                    Map<String, Object> state = new LinkedHashMap<>();
                    for (String field : List.of("id", "name", "status", "reason", "updatedAt")) {
                        state.put(field, Reports.text(c, field));
                    }
                    print(Json.mapper().valueToTree(state));
                    if (count != null && ++seen >= count) {
                        return ExitCodes.OK;
                    }
                }
                while (true) {
                    StatusStream.Signal signal = signals.poll(500, TimeUnit.MILLISECONDS);
                    fleet.kickIfIdle();
                    if (signal instanceof StatusStream.Update update) {
                        List<String> lines = output.format == Output.json ? List.of(Json.write(update.data()))
                                : fleetLines(update.data(), checksOf);
                        for (String line : lines) {
                            out().println(line);
                            if (count != null && ++seen >= count) {
                                return ExitCodes.OK;
                            }
                        }
                    } else if (signal instanceof StatusStream.Dropped drop) {
                        if (drop.httpStatus() == 401 || drop.httpStatus() == 403) {
                            throw drop.error();
                        }
                        info(errStyle().yellow("fleet stream dropped:") + " " + drop.why()
                                + "; reconnecting, resuming after the last event received");
                    }
                }
            }
        }

        /** The table lines of one fleet event: a status change, or the checks of a report whose status changed. */
        private List<String> fleetLines(JsonNode event, Map<String, Map<String, String>> checksOf) {
            String type = Reports.text(event, "type");
            String name = Reports.text(event, "cluster");
            String at = Reports.text(event, "recordedAt");
            JsonNode data = event.path("data");
            Style style = outStyle();
            if (type == null) {
                return List.of();
            }
            if (type.startsWith("byoc.cluster.status-changed.")) {
                String reason = Reports.text(data, "reason");
                return List.of(at + "  " + name + "  " + style.status(Reports.text(data, "to")) + (reason == null ? "" : "  " + reason));
            }
            if (type.startsWith("byoc.cluster.validated.") || type.startsWith("byoc.cluster.validation-failed.")) {
                Map<String, String> before = checksOf.get(name);
                Map<String, String> now = checkStatuses(data.path("checks"));
                checksOf.put(name, now);
                List<String> lines = new java.util.ArrayList<>();
                for (JsonNode check : data.path("checks")) {
                    String id = Reports.text(check, "id");
                    String status = Reports.text(check, "status");
                    String was = before == null ? null : before.get(id);
                    boolean changed = before == null ? !"pass".equals(status) : !java.util.Objects.equals(was, status);
                    if (changed) {
                        lines.add(at + "  " + name + "  check " + id + ": " + (was == null ? "" : was + " -> ")
                                + style.check(status) + ("pass".equals(status) ? "" : "  " + Reports.text(check, "message")));
                    }
                }
                return lines;
            }
            return List.of();
        }

        private static Map<String, String> checkStatuses(JsonNode checks) {
            Map<String, String> statuses = new LinkedHashMap<>();
            if (checks != null) {
                checks.forEach(c -> statuses.put(Reports.text(c, "id"), Reports.text(c, "status")));
            }
            return statuses;
        }

        private void print(JsonNode event) {
            if (output.format == Output.json) {
                out().println(Json.write(event));
                return;
            }
            Style style = outStyle();
            String reason = Reports.text(event, "reason");
            out().println(Reports.text(event, "updatedAt") + "  " + Reports.text(event, "name") + "  "
                    + style.status(Reports.text(event, "status")) + (reason == null ? "" : "  " + reason));
        }
    }
}
