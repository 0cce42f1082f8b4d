package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Reports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "describe", sortOptions = false,
        description = "Show a cluster: status and reason, its spec, the validation report (each check with its status "
                + "and what to do about it) and, once deleted, the teardown report.")
public class DescribeCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "The cluster's name.")
    String name;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        JsonNode cluster = client().get(name);
        if (output.format.human()) {
            Reports.describe(out(), cluster, outStyle(), env().clock().instant());
        } else {
            output.format.print(out(), cluster);
        }
        return ExitCodes.OK;
    }
}
