package dev.byoc.cli;

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

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.details = List.of();
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> details() {
        return details;
    }

    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    public static CliException usage(String message, List<String> details) {
        return new CliException(ExitCodes.USAGE, message, details);
    }
}
