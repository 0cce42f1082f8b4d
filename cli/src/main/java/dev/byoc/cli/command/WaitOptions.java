package dev.byoc.cli.command;

import dev.byoc.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --wait} and {@code --timeout}, for the commands that can follow their cluster to the end.
 * What each command waits for is its own: its descriptions are in OptionTexts.properties.
 */
final class WaitOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--wait", description = "Follow the cluster until the operation is done (exit 0) or failed (exit 1).")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "With --wait: give up after this long (e.g. 45m), exit 3. Default: no limit.")
    Duration timeout;

    /** A --timeout without --wait would be silently ignored: a usage error instead. */
    void check() {
        if (timeout != null && !wait) {
            throw new CommandLine.ParameterException(command.commandLine(), "--timeout only applies with --wait");
        }
    }
}
