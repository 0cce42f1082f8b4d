package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Reports;
import dev.byoc.cli.StatusStream;
import dev.byoc.cli.Waiter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "verify", sortOptions = false,
        description = {"Run every access check of a cluster again, with nothing changed: after fixing a trust policy, "
                + "a bucket or a quota, this is how a failed cluster gets back to running.",
            "With --wait, prints the new report and exits 0 when no check fails, 1 when one does."},
        footerHeading = "%nExamples:%n",
        footer = {"  byoc clusters verify foo-01 --wait", "  byoc clusters verify foo-01 --wait --timeout 2m"})
public class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "The cluster's name.")
    String name;

    @Mixin
    WaitOptions waiting;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        waiting.check();
        JsonNode answer = client().verify(name);
        JsonNode cluster = answer.path("cluster");
        String before = Reports.text(cluster, "lastValidatedAt");
        if (!waiting.wait) {
            info("verification of cluster '" + name + "' requested; see the report with `byoc clusters describe " + name
                    + "` once it is in, or run verify with --wait");
            output.format.print(out(), cluster);
            return ExitCodes.OK;
        }
        JsonNode report = awaitReport(cluster, before);
        if (report == null) {
            info(errStyle().yellow("timed out:") + " no new report within " + waiting.timeout.toSeconds() + " s; the checks "
                    + "still run: see `byoc clusters describe " + name + "`");
            return ExitCodes.TIMEOUT;
        }
        JsonNode checks = Reports.checks(report);
        boolean failing = checks != null && java.util.stream.StreamSupport.stream(checks.spliterator(), false)
                .anyMatch(c -> "fail".equals(Reports.text(c, "status")));
        if (!output.format.human()) {
            output.format.print(out(), client().get(name));
        } else {
            out().print(Reports.checksTable(checks == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .arrayNode() : checks, outStyle()));
            String status = Reports.text(report, "status");
            info(failing ? errStyle().red("verification failed:") + " fix what the checks say, then run `byoc clusters verify "
                    + name + "` again"
                    : errStyle().green("verified:") + " every check passes (cluster is " + status + ")");
        }
        return failing ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** The cluster's state once a report newer than {@code before} is in, from its live stream; null on timeout. */
    private JsonNode awaitReport(JsonNode cluster, String before) throws InterruptedException {
        long deadline = waiting.timeout == null ? Long.MAX_VALUE : System.nanoTime() + waiting.timeout.toNanos();
        BlockingQueue<StatusStream.Signal> signals = new LinkedBlockingQueue<>();
        Duration idle = Waiter.idleTimeout(env());
        try (StatusStream stream = new StatusStream(client(), name, signals::add, idle, Duration.ofSeconds(5)).start()) {
            while (System.nanoTime() < deadline) {
                StatusStream.Signal signal = signals.poll(Math.min(1000, Math.max(1,
                        TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))), TimeUnit.MILLISECONDS);
                stream.kickIfIdle();
                if (signal instanceof StatusStream.Update update
                        && Objects.equals(Reports.text(update.data(), "id"), Reports.text(cluster, "id"))) {
                    String validatedAt = Reports.text(update.data(), "lastValidatedAt");
                    if (validatedAt != null && !validatedAt.equals(before)) {
                        return update.data();
                    }
                } else if (signal instanceof StatusStream.Dropped drop && drop.error() != null
                        && drop.httpStatus() >= 400 && drop.httpStatus() < 500) {
                    throw drop.error();
                }
            }
        }
        return null;
    }
}
