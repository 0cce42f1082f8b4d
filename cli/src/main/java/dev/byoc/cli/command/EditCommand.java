package dev.byoc.cli.command;

import picocli.CommandLine.Command;

@Command(name = "edit", description = "Edit a resource: `byoc edit cluster <name>`.",
        subcommands = EditClusterCommand.class)
public class EditCommand extends GroupCommand {
}
