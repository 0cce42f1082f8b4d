package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Humanize;
import dev.byoc.cli.Reports;
import dev.byoc.cli.Waiter;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cluster", sortOptions = false,
        description = {"Delete a cluster. The platform removes what it created (objects under byoc/ in the bucket) and "
                + "reports what is left; the EKS cluster, the bucket and the role are yours to remove (terraform destroy).",
            "Asks for confirmation on a terminal unless --yes."},
        footerHeading = "%nExamples:%n",
        footer = {"  byoc delete cluster foo-01 --dry-run", "  byoc delete cluster foo-01 --wait",
            "  byoc delete cluster foo-01 --yes --force"})
public class DeleteClusterCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "The cluster's name.")
    String name;

    @Mixin
    WaitOptions waiting;

    @Option(names = "--force", description = "Drop the cluster record without any teardown: nothing is deleted anywhere.")
    boolean force;

    @Option(names = "--dry-run", description = "Show what the teardown would remove (the objects under the cluster's "
            + "byoc/<id>/ prefix, counted, the first 100 named) and what it would leave, and change nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        waiting.check();
        checkUsage(!(dryRun && force), "--dry-run previews a teardown and --force skips it: give one of them");
        checkUsage(!(dryRun && waiting.wait), "--dry-run changes nothing, so there is nothing to --wait for");
        JsonNode cluster = client().get(name);
        String status = Reports.text(cluster, "status");
        String bucket = Reports.text(cluster.path("spec").path("driver").path("kubernetes").path("aws"), "bucket_name");
        if (Reports.status(status) == ClusterStatus.DELETED) {
            info("cluster '" + name + "' is already deleted (" + Humanize.ago(Humanize.instant(Reports.text(cluster,
                    "updatedAt")), env().clock().instant()) + ")");
            if (!output.format.human()) {
                output.format.print(out(), cluster);
            } else if (waiting.wait) {
                WaitReports.printTeardown(this, name, cluster.get("teardown"), false);
            }
            return ExitCodes.OK;
        }
        if (dryRun) {
            // no confirmation: nothing is changed
            JsonNode preview = client().deletePreview(name);
            if (output.format.human()) {
                out().print(Reports.teardownPreview(name, preview.path("teardown"), outStyle()));
            } else {
                output.format.print(out(), preview);
            }
            info("dry run: nothing was changed; delete for real with `byoc delete cluster " + name + "`");
            return ExitCodes.OK;
        }
        if (force) {
            info(errStyle().yellow("--force") + " removes the cluster from the platform without any teardown: no resources "
                    + "are deleted, not even the objects the platform wrote under byoc/ in bucket " + bucket
                    + ". The EKS cluster, the bucket and the role stay in your account too; remove them with "
                    + "`terraform destroy`.");
        }
        if (env().stdinTty() && !yes) {
            String what = force ? "" : " The platform removes what it created under byoc/ in bucket " + bucket
                    + "; the EKS cluster, the bucket and the role stay in your account.";
            err().print("Delete cluster '" + name + "' (" + status + ")?" + what + " [y/N] ");
            err().flush();
            if (!confirmed()) {
                info("aborted; nothing was deleted");
                return ExitCodes.FAILED;
            }
        }
        JsonNode answer = client().delete(name, force);
        JsonNode deleting = answer.path("cluster");
        String message = Reports.text(answer, "message");
        info(message == null ? "deletion of cluster '" + name + "' requested" : "cluster '" + name + "': " + message);
        if (!waiting.wait) {
            info("follow it with `byoc clusters describe " + name + "`, or delete with --wait next time");
            output.format.print(out(), deleting);
            return ExitCodes.OK;
        }
        Instant requestedAt = Humanize.instant(Reports.text(deleting, "updatedAt"));
        Waiter.Outcome outcome = new Waiter(env(), client()).await(name, Reports.text(deleting, "id"), Waiter.Goal.DELETED,
                waiting.timeout, requestedAt);
        return WaitReports.deleted(this, name, outcome, output.format, waiting.timeout, force);
    }

    private boolean confirmed() {
        try {
            String line = new BufferedReader(new InputStreamReader(env().in(), StandardCharsets.UTF_8)).readLine();
            String answer = line == null ? "" : line.strip().toLowerCase(Locale.ROOT);
            return answer.equals("y") || answer.equals("yes");
        } catch (IOException e) {
            return false;
        }
    }
}
