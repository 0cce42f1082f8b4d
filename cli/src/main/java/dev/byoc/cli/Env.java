package dev.byoc.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything the CLI takes from the outside world, so tests can run it in-process with their own
 * environment variables, home directory, streams and terminal flags.
 *
 * @param stdinTty  stdin is a terminal (prompts may be shown)
 * @param stdoutTty stdout is a terminal (tables may be coloured)
 * @param stderrTty stderr is a terminal (spinners and coloured messages)
 */
public record Env(Map<String, String> vars, Path home, InputStream in, PrintStream out, PrintStream err,
        boolean stdinTty, boolean stdoutTty, boolean stderrTty, Clock clock) {

    /** The real process. bin/byoc tells which streams are terminals ({@code -Dbyoc.tty.*}); without it, System.console(). */
    public static Env system() {
        boolean console = System.console() != null;
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        String home = System.getenv("HOME");
        return new Env(System.getenv(), Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home),
                System.in, out, err,
                tty("stdin", console), tty("stdout", console), tty("stderr", console), Clock.systemUTC());
    }

    private static boolean tty(String stream, boolean fallback) {
        String value = System.getProperty("byoc.tty." + stream);
        return value == null || value.isBlank() ? fallback : Boolean.parseBoolean(value);
    }

    /** A variable's value, or null when unset or blank. */
    public String var(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Colours on a stream only when it is a terminal and the user did not opt out (NO_COLOR, TERM=dumb). */
    public boolean colour(boolean tty) {
        return tty && var("NO_COLOR") == null && !"dumb".equals(var("TERM"));
    }

    public Style outStyle() {
        return new Style(colour(stdoutTty));
    }

    public Style errStyle() {
        return new Style(colour(stderrTty));
    }

    public boolean debug() {
        return var("BYOC_DEBUG") != null;
    }
}
