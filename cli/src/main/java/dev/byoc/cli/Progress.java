package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress of a --wait on stderr: on a terminal a spinner line (elapsed time, status, reason)
 * redrawn in place, with a permanent line per status change; otherwise plain lines only.
 */
final class Progress {
    private static final String[] FRAMES = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    private static final int MAX_REASON = 70;

    private final PrintStream err;
    private final Style style;
    private final boolean tty;
    private final String name;
    private final long start;
    private String status = "waiting";
    private String reason = "connecting to the registry";
    private int frame;
    private boolean drawn;

    Progress(Env env, String name, long startNanos) {
        this.err = env.err();
        this.style = env.errStyle();
        this.tty = env.stderrTty();
        this.name = name;
        this.start = startNanos;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    synchronized void status(JsonNode event) {
        status = Reports.text(event, "status");
        reason = Reports.text(event, "reason");
        line("[" + Humanize.elapsed(elapsed()) + "] " + name + " " + style.status(status)
                + (reason == null || reason.isBlank() ? "" : ": " + reason));
    }

    synchronized void note(String message) {
        line("[" + Humanize.elapsed(elapsed()) + "] " + message);
    }

    /** Redraws the spinner (terminal only). */
    synchronized void tick() {
        if (!tty) {
            return;
        }
        String r = reason == null ? "" : reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 1) + "…" : reason;
        err.print("\r\u001b[2K" + style.bold(FRAMES[frame++ % FRAMES.length]) + " " + name + " "
                + style.status(status) + (r.isEmpty() ? "" : ": " + r) + "  " + style.dim(Humanize.elapsed(elapsed())));
        err.flush();
        drawn = true;
    }

    synchronized void clear() {
        if (tty && drawn) {
            err.print("\r\u001b[2K");
            err.flush();
            drawn = false;
        }
    }

    private void line(String text) {
        clear();
        err.println(text);
        tick();
    }
}
