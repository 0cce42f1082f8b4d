package dev.byoc.support;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Optional;

/**
 * Halts the process at the {@link CrashPoint} that {@code byoc.crash.at} names: how the system
 * tests put a crash exactly inside a window (a SIGKILL from outside lands there only by luck).
 * {@code Runtime.halt} runs no shutdown hook and closes no connection: to the broker and the
 * database it is a crash. Unset, {@link #reached} is one comparison.
 *
 * <p>Written by hand: a fault-injection agent (Byteman) could halt there without a line in our
 * code, but its rules name classes and methods as strings, and a rename would leave a test that
 * passes without crashing anything; a point here is a constant, and the test asserts the process
 * died with this exit code.
 */
@ApplicationScoped
public class CrashPoints {
    /** The exit status of a halt at a crash point (what a SIGKILL gives a shell: 128 + 9). */
    public static final int EXIT_STATUS = 137;

    private final Optional<CrashPoint> at;

    CrashPoints(CrashConfig config) {
        this.at = config.at().filter(s -> !s.isBlank()).map(id -> CrashPoint.of(id).orElseThrow(() ->
                new IllegalArgumentException("byoc.crash.at=" + id + " names no crash point; one of "
                        + Arrays.stream(CrashPoint.values()).map(CrashPoint::id).toList())));
    }

    public void reached(CrashPoint point) {
        if (at.isPresent() && at.get() == point) {
            // stderr, unbuffered: the log handler may never get to write before the halt
            System.err.println("byoc.crash.at: halting at " + point.id());
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
