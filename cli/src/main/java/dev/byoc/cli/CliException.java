package dev.byoc.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends the command with an exit code and a message for stderr ("error: …"), optionally followed by
 * detail lines (one violation per line, a hint).
 */
public class CliException extends RuntimeException {
    private final int exitCode;
    private final List<String> details;

    public CliException(int exitCode, String message) {
        this(exitCode, message, List.of());
    }

    public CliException(int exitCode, String message, List<String> details) {
        super(message);
        this.exitCode = exitCode;
        this.details = List.copyOf(details);
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> details() {
        return details;
    }

    /** The same failure with one more detail line, e.g. where the user's edits were kept. */
    public CliException withDetail(String line) {
        List<String> more = new ArrayList<>(details);
        more.add(line);
        return new CliException(exitCode, getMessage(), more);
    }

    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    public static CliException usage(String message, List<String> details) {
        return new CliException(ExitCodes.USAGE, message, details);
    }
}
