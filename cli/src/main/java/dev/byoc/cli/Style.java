package dev.byoc.cli;

import dev.byoc.contracts.lifecycle.ClusterStatus;

/** ANSI colours, or plain text when the stream is not a terminal. */
public record Style(boolean enabled) {
    private static final String RESET = "\u001b[0m";

    public String red(String s) {
        return wrap("\u001b[31m", s);
    }

    public String green(String s) {
        return wrap("\u001b[32m", s);
    }

    public String yellow(String s) {
        return wrap("\u001b[33m", s);
    }

    public String bold(String s) {
        return wrap("\u001b[1m", s);
    }

    public String dim(String s) {
        return wrap("\u001b[2m", s);
    }

    /** The reference product's colours: queued/pending yellow, running green, failed/terminating/deleted red. */
    public String status(String status) {
        if (status == null) {
            return "";
        }
        ClusterStatus known = Reports.status(status);
        if (known == null) {
            return status; // a newer server's status: shown as is
        }
        return switch (known) {
            case QUEUED, PENDING -> yellow(status);
            case RUNNING -> green(status);
            case FAILED, TERMINATING, DELETED -> red(status);
        };
    }

    /** A validation check's status: pass green, warn yellow, fail red, skipped dim. */
    public String check(String status) {
        if (status == null) {
            return "";
        }
        return switch (status) {
            case "pass" -> green(status);
            case "warn" -> yellow(status);
            case "fail" -> red(status);
            case "skipped" -> dim(status);
            default -> status;
        };
    }

    private String wrap(String code, String s) {
        return enabled && s != null && !s.isEmpty() ? code + s + RESET : s;
    }
}
