package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.CliException;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Output;
import dev.byoc.cli.Reports;
import dev.byoc.cli.StatusStream;
import dev.byoc.cli.Style;
import dev.byoc.cli.Waiter;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.lifecycle.ClusterStatus;
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
                    + "time, cluster, status, reason.",
                "Without --cluster, follows every cluster you own, picking up new ones as they are registered. "
                    + "Runs until Ctrl-C; reconnects when the stream drops."})
    public static class Tail extends BaseCommand {
        /** How often the fleet view looks for newly registered clusters (the API has no fleet-wide stream). */
        static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(10);

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
            BlockingQueue<StatusStream.Signal> signals = new LinkedBlockingQueue<>();
            Map<String, StatusStream> streams = new LinkedHashMap<>();
            Map<String, String> lastKey = new HashMap<>();
            Map<String, Long> notFoundSince = new HashMap<>();
            Duration idle = Waiter.idleTimeout(env());
            long nextDiscovery = 0;
            int seen = 0;
            try {
                if (cluster != null) {
                    streams.put(cluster, new StatusStream(client(), cluster, signals::add, idle, Duration.ofSeconds(5)).start());
                }
                while (true) {
                    if (cluster == null && System.nanoTime() >= nextDiscovery) {
                        discover(streams, signals, idle, nextDiscovery == 0);
                        nextDiscovery = System.nanoTime() + DISCOVERY_INTERVAL.toNanos();
                    }
                    StatusStream.Signal signal = signals.poll(500, TimeUnit.MILLISECONDS);
                    streams.values().forEach(StatusStream::kickIfIdle);
                    if (signal instanceof StatusStream.Update update) {
                        JsonNode event = update.data();
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
                        if (cluster == null && Reports.status(Reports.text(event, "status")) == ClusterStatus.DELETED) {
                            StatusStream gone = streams.remove(update.cluster());
                            if (gone != null) {
                                gone.close();
                            }
                        }
                    } else if (signal instanceof StatusStream.Dropped drop) {
                        if (drop.httpStatus() == 401 || drop.httpStatus() == 403) {
                            throw drop.error();
                        }
                        if (drop.httpStatus() == 404) {
                            long since = notFoundSince.computeIfAbsent(drop.cluster(), k -> System.nanoTime());
                            if (cluster != null && System.nanoTime() - since > Duration.ofSeconds(10).toNanos()) {
                                throw drop.error();
                            }
                            if (cluster == null) {
                                StatusStream gone = streams.remove(drop.cluster());
                                if (gone != null) {
                                    gone.close();
                                }
                                continue;
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

        private void discover(Map<String, StatusStream> streams, BlockingQueue<StatusStream.Signal> signals, Duration idle,
                boolean first) {
            List<JsonNode> clusters;
            try {
                clusters = client().list(false, null);
            } catch (CliException e) {
                if (first || e.exitCode() == ExitCodes.UNREACHABLE && e.getMessage().contains("API key")) {
                    throw e;
                }
                info(errStyle().yellow("cannot list clusters:") + " " + e.getMessage() + "; retrying");
                return;
            }
            if (first && clusters.isEmpty()) {
                info("no clusters yet; waiting for one to be registered (Ctrl-C to stop)");
            }
            for (JsonNode c : clusters) {
                String name = Reports.text(c, "name");
                if (name != null && !streams.containsKey(name)) {
                    streams.put(name, new StatusStream(client(), name, signals::add, idle, Duration.ofSeconds(5)).start());
                }
            }
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
