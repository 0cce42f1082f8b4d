package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Humanize;
import dev.byoc.cli.Reports;
import dev.byoc.cli.Style;
import dev.byoc.cli.Table;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "clusters", sortOptions = false,
        description = {"List your clusters: id | name | type | status | created (newest first).",
            "Status colours (on a terminal): queued/pending yellow, running green, failed/terminating/deleted red."},
        subcommands = {PrerequisitesCommand.class, AwsCommand.class, DescribeCommand.class, VerifyCommand.class})
public class ClustersCommand extends BaseCommand {
    /** What --status takes, in lifecycle order (the order help and completion show). */
    static final List<String> STATUSES = Arrays.stream(ClusterStatus.values()).map(ClusterStatus::wire).toList();

    @Option(names = "--all", description = "Include deleted clusters.")
    boolean all;

    @Option(names = "--status", paramLabel = "<status>", completionCandidates = Statuses.class,
            description = "Only clusters with this status: ${COMPLETION-CANDIDATES}.")
    String status;

    @Mixin
    OutputOptions output;

    static final class Statuses implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return STATUSES.iterator();
        }
    }

    @Override
    public Integer call() {
        checkUsage(status == null || STATUSES.contains(status), "--status must be one of " + String.join(", ", STATUSES));
        List<JsonNode> clusters = client().list(all, status);
        if (!output.format.human()) {
            output.format.print(out(), clusters);
            return ExitCodes.OK;
        }
        if (clusters.isEmpty()) {
            info(status != null ? "no " + status + " clusters"
                    : all ? "no clusters" : "no clusters (deleted ones are listed with --all); register one with "
                            + "`byoc clusters aws <name> --spec-file spec.json` (first: `byoc clusters prerequisites`)");
            return ExitCodes.OK;
        }
        Style style = outStyle();
        Instant now = env().clock().instant();
        Table table = new Table("id", "name", "type", "status", "created");
        for (JsonNode c : clusters) {
            String id = Reports.text(c, "id");
            table.row(Table.Cell.of(id == null ? "" : id.length() > 8 ? id.substring(0, 8) : id),
                    Table.Cell.of(Reports.text(c, "name")),
                    Table.Cell.of(Reports.text(c, "type")),
                    Table.Cell.of(Reports.text(c, "status"), style::status),
                    Table.Cell.of(Humanize.ago(Humanize.instant(Reports.text(c, "createdAt")), now)));
        }
        out().print(table.render(style));
        return ExitCodes.OK;
    }
}
