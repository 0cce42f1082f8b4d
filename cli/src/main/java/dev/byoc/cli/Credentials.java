package dev.byoc.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where the registry is and which API key to send: {@code BYOC_URL} / {@code BYOC_API_KEY} first,
 * then the credentials file {@code byoc login} wrote ({@code $XDG_CONFIG_HOME/byoc/credentials},
 * by default {@code ~/.config/byoc/credentials}, mode 0600), then the local default URL.
 */
public final class Credentials {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    /** What a command talks to; {@code key} is never printed. */
    public record Target(String url, String key, String keySource) {
    }

    /** The stored file's URL and key (either may be null; the user name it records is for people to read). */
    public record Stored(String url, String key) {
    }

    private Credentials() {
    }

    public static Path file(Env env) {
        String xdg = env.var("XDG_CONFIG_HOME");
        Path base = xdg != null ? Path.of(xdg) : env.home().resolve(".config");
        return base.resolve("byoc").resolve("credentials");
    }

    public static Stored load(Env env) {
        Path file = file(env);
        if (!Files.isRegularFile(file)) {
            return new Stored(null, null);
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || !trimmed.contains("=")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot read " + file + ": " + e.getMessage());
        }
        warnIfOpen(env, file);
        return new Stored(blankToNull(values.get("url")), blankToNull(values.get("api_key")));
    }

    /** The registry and key for an API call; without a key, exit 4 with how to log in. */
    public static Target resolve(Env env) {
        Stored stored = load(env);
        String url = env.var("BYOC_URL") != null ? env.var("BYOC_URL") : stored.url() != null ? stored.url() : DEFAULT_URL;
        String key;
        String source;
        if (env.var("BYOC_API_KEY") != null) {
            key = env.var("BYOC_API_KEY").strip();
            source = "BYOC_API_KEY";
        } else if (stored.key() != null) {
            key = stored.key();
            source = file(env).toString();
        } else {
            throw new CliException(ExitCodes.UNREACHABLE, "not logged in: run `byoc login --username <you> --key <API key>` "
                    + "or set BYOC_API_KEY");
        }
        return new Target(normaliseUrl(url), key, source);
    }

    /** Writes the file with mode 0600 (directory 0700), atomically: never a moment with the key world-readable. */
    public static Path save(Env env, String url, String username, String key) {
        Path file = file(env);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path tmp = posix
                    ? Files.createTempFile(dir, ".credentials", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".credentials", ".tmp");
            String content = "# written by `byoc login`; BYOC_URL and BYOC_API_KEY override these. Keep this file private.\n"
                    + "url = " + url + "\n"
                    + (username == null ? "" : "username = " + username + "\n")
                    + "api_key = " + key + "\n";
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (posix) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return file;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }

    /** http(s)://host[:port][/prefix] without a trailing slash; anything else is a usage error. */
    public static String normaliseUrl(String url) {
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = URI.create(trimmed);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage("'" + url + "' is not a registry URL; expected http(s)://host:port, e.g. " + DEFAULT_URL);
        }
        return trimmed;
    }

    private static void warnIfOpen(Env env, Path file) {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                    env.err().println(env.errStyle().yellow("warning:") + " " + file
                            + " holds your API key and is readable by others; run chmod 600 " + file);
                }
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
