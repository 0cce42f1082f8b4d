package dev.byoc.cli.command;

import dev.byoc.cli.Output;
import picocli.CommandLine.Option;

/**
 * {@code -o / --output}: the format of the data a command prints on stdout. A command that prints
 * something particular says what in OptionTexts.properties.
 */
final class OutputOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "<format>", defaultValue = "table", converter = Output.Converter.class,
            description = "table (default), json or yaml.")
    Output format;
}
