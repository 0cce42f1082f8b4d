package dev.byoc.cli.command;

import picocli.CommandLine.Command;

@Command(name = "delete", description = "Delete a resource: `byoc delete cluster <name>`.",
        subcommands = DeleteClusterCommand.class)
public class DeleteCommand extends GroupCommand {
}
