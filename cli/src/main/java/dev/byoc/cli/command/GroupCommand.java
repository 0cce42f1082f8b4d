package dev.byoc.cli.command;

import picocli.CommandLine;

/** A command that only groups subcommands (edit, delete, user, events): alone it is a usage error. */
abstract class GroupCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to " + spec.name() + ": "
                + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList()));
    }
}
