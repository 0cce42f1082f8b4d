package dev.byoc.cli.command;

import dev.byoc.contracts.lifecycle.ReasonCode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.CliException;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Humanize;
import dev.byoc.cli.Output;
import dev.byoc.cli.Reports;
import dev.byoc.cli.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How a --wait ends: the message on stderr, the data on stdout, the exit code. */
final class WaitReports {
    private WaitReports() {
    }

    static int created(BaseCommand command, String name, Waiter.Outcome outcome, Output output, Duration timeout) {
        JsonNode last = outcome.last();
        String elapsed = Humanize.elapsed(outcome.elapsed());
        String reason = Reports.text(last, "reason");
        switch (outcome.result()) {
            case REACHED -> {
                command.info(command.errStyle().green("✓") + " cluster '" + name + "' is running after " + elapsed
                        + (reason == null ? "" : " (" + reason + ")"));
                printFinal(command, name, output);
                return ExitCodes.OK;
            }
            case FAILED -> {
                printFinal(command, name, output);
                List<String> details = new ArrayList<>(Reports.failingChecks(last, command.errStyle()));
                details.add("fix what the checks say, then run `byoc clusters verify " + name + " --wait` (no edit needed); "
                        + "details: `byoc clusters describe " + name + "`");
                return command.fail(ExitCodes.FAILED, "cluster '" + name + "' failed after " + elapsed + ": "
                        + (reason == null ? "no reason given" : reason), details);
            }
            case GONE -> {
                printFinal(command, name, output);
                return command.fail(ExitCodes.FAILED, "cluster '" + name + "' is " + Reports.text(last, "status")
                        + ": it was deleted while we waited" + (reason == null ? "" : " (" + reason + ")"), List.of());
            }
            default -> {
                return timedOut(command, name, "creation", last, timeout);
            }
        }
    }

    static int deleted(BaseCommand command, String name, Waiter.Outcome outcome, Output output, Duration timeout,
            boolean force) {
        JsonNode last = outcome.last();
        String elapsed = Humanize.elapsed(outcome.elapsed());
        switch (outcome.result()) {
            case REACHED -> {
                JsonNode teardown = last.get("teardown");
                JsonNode cluster = null;
                if (teardown == null || !teardown.isObject() || !output.human()) {
                    cluster = fetch(command, name);
                    if (cluster != null && (teardown == null || !teardown.isObject())) {
                        teardown = cluster.get("teardown");
                    }
                }
                command.info(command.errStyle().green("✓") + " cluster '" + name + "' deleted after " + elapsed);
                if (!output.human()) {
                    output.print(command.out(), cluster != null ? cluster : last);
                } else {
                    printTeardown(command, name, teardown, force || isForced(last));
                }
                return ExitCodes.OK;
            }
            case FAILED -> {
                printFinal(command, name, output);
                String reason = Reports.text(last, "reason");
                return command.fail(ExitCodes.FAILED, "deleting cluster '" + name + "' failed after " + elapsed + ": "
                        + (reason == null ? "no reason given" : reason),
                        List.of("retry with `byoc delete cluster " + name + "`, or drop the record without any teardown with "
                                + "`byoc delete cluster " + name + " --force`"));
            }
            default -> {
                return timedOut(command, name, "deletion", last, timeout);
            }
        }
    }

    /** The teardown report on stdout; a forced deletion has none, and says so. */
    static void printTeardown(BaseCommand command, String name, JsonNode teardown, boolean forced) {
        if (teardown != null && teardown.isObject()) {
            command.out().print(Reports.teardown(teardown, command.outStyle()));
        } else if (forced) {
            command.out().println("forced: nothing was torn down. Everything stays in your account: the objects the platform "
                    + "wrote under byoc/ in the bucket, the EKS cluster, the bucket and the role; run `terraform destroy` in "
                    + "the module that created them.");
        } else {
            command.out().println("no teardown report was recorded; see `byoc clusters describe " + name + "`");
        }
    }

    private static boolean isForced(JsonNode last) {
        return ReasonCode.FORCE_DELETED.wire().equals(Reports.text(last, "reasonCode"));
    }

    private static int timedOut(BaseCommand command, String name, String operation, JsonNode last, Duration timeout) {
        String status = last == null ? null : Reports.text(last, "status");
        String reason = last == null ? null : Reports.text(last, "reason");
        return command.fail(ExitCodes.TIMEOUT, "timed out after " + Humanize.elapsed(timeout) + ": cluster '" + name + "' is "
                + (status == null ? "not reported yet" : "still " + status) + (reason == null ? "" : " (" + reason + ")"),
                List.of("the " + operation + " continues in the background; check it with `byoc clusters describe " + name
                        + "` or follow it with `byoc events tail --cluster " + name + "`"));
    }

    private static void printFinal(BaseCommand command, String name, Output output) {
        if (!output.human()) {
            JsonNode cluster = fetch(command, name);
            if (cluster != null) {
                output.print(command.out(), cluster);
            }
        }
    }

    private static JsonNode fetch(BaseCommand command, String name) {
        try {
            return command.client().get(name);
        } catch (CliException e) {
            return null;
        }
    }
}
