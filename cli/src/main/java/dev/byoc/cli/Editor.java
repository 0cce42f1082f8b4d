package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Opens a document in {@code $VISUAL} / {@code $EDITOR} (through {@code sh -c}, so "code --wait" or
 * "emacs -nw" work) and returns what was saved. The file is private (0600): it may hold the
 * external ID.
 */
public final class Editor {
    private Editor() {
    }

    /** A temp file holding {@code doc} as indented JSON; the caller edits it with {@link #edit} and {@link #discard}s it. */
    public static Path tempFile(String prefix, JsonNode doc) {
        try {
            Path file;
            try {
                file = Files.createTempFile(prefix, ".json",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                file = Files.createTempFile(prefix, ".json");
            }
            Files.writeString(file, Output.pretty(doc) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot create a temporary file for the editor: " + e.getMessage());
        }
    }

    /** Deletes the temp file once what it held was sent or given up; it may hold the external ID. */
    public static void discard(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file: the system cleans it up
        }
    }

    private static String command(Env env) {
        if (env.var("VISUAL") != null) {
            return env.var("VISUAL");
        }
        if (env.var("EDITOR") != null) {
            return env.var("EDITOR");
        }
        if (!env.stdinTty()) {
            return null;
        }
        return "vi";
    }

    /** Runs the editor on the file and returns its content afterwards. */
    public static String edit(Env env, Path file, String alternative) {
        String editor = command(env);
        if (editor == null) {
            throw CliException.usage("no editor: set $VISUAL or $EDITOR" + (alternative == null ? "" : ", or " + alternative));
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", "-c", editor + " \"$1\"", "byoc-editor", file.toString()))
                .inheritIO();
        builder.environment().putAll(env.vars());
        try {
            int exit = builder.start().waitFor();
            if (exit != 0) {
                throw CliException.usage("the editor (" + editor + ") exited with " + exit + "; nothing was sent");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.usage("cannot run the editor '" + editor + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted while the editor was open; nothing was sent");
        }
    }
}
