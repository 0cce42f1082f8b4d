package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "user", description = "Your user settings.",
        subcommands = {UserCommand.SetClusterContext.class, UserCommand.GetClusterContext.class})
public class UserCommand extends GroupCommand {

    @Command(name = "set-cluster-context",
            description = "Make a cluster your default (exact name; a near miss lists the close names).")
    public static class SetClusterContext extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<name>", description = "The cluster's exact name.")
        String name;

        @Override
        public Integer call() {
            JsonNode context = client().setClusterContext(name);
            info("cluster context set to '" + Reports.text(context, "cluster") + "' (id " + Reports.text(context, "id") + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "get-cluster-context", description = "Print your default cluster's name.")
    public static class GetClusterContext extends BaseCommand {
        @Override
        public Integer call() {
            out().println(Reports.text(client().getClusterContext(), "cluster"));
            return ExitCodes.OK;
        }
    }
}
