package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.CliException;
import dev.byoc.cli.Credentials;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.RegistryClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", sortOptions = false,
        description = {"Check an API key against the registry and store the URL and key in ~/.config/byoc/credentials "
                + "(mode 0600).",
            "BYOC_URL and BYOC_API_KEY, when set, override what is stored."})
public class LoginCommand extends BaseCommand {
    @Option(names = "--username", paramLabel = "<user>", description = "Your user name; checked against the key's owner.")
    String username;

    @Option(names = "--key", paramLabel = "<key>",
            description = "Your API key; '-' reads it from stdin. Prompted for (hidden) on a terminal when omitted.")
    String key;

    @Option(names = "--url", paramLabel = "<url>",
            description = "The registry, e.g. https://byoc.example.com (default: BYOC_URL, the stored URL, else "
                    + Credentials.DEFAULT_URL + ").")
    String url;

    @Override
    public Integer call() {
        Credentials.Stored stored = Credentials.load(env());
        String registry = Credentials.normaliseUrl(url != null ? url
                : env().var("BYOC_URL") != null ? env().var("BYOC_URL")
                : stored.url() != null ? stored.url() : Credentials.DEFAULT_URL);
        String apiKey = readKey();
        RegistryClient client = new RegistryClient(new Credentials.Target(registry, apiKey, "--key"));
        JsonNode me;
        try {
            me = client.me();
        } catch (CliException e) {
            if (e.exitCode() == ExitCodes.UNREACHABLE && e.getMessage().contains("refused the API key")) {
                throw new CliException(ExitCodes.UNREACHABLE, e.getMessage(), List.of("nothing was saved; check the key "
                        + "(an admin issues keys with POST /api/v1/admin/users/<user>/keys)"));
            }
            throw e;
        }
        String actual = me.path("username").asText();
        if (username != null && !username.equals(actual)) {
            throw CliException.usage("this API key belongs to '" + actual + "', not '" + username + "'; nothing was saved",
                    List.of("log in with --username " + actual + ", or use your own key"));
        }
        Path file = Credentials.save(env(), registry, actual, apiKey);
        info("logged in to " + registry + " as " + actual + (me.path("admin").asBoolean() ? " (admin)" : "")
                + "; credentials saved in " + file);
        if (env().var("BYOC_API_KEY") != null) {
            info("note: BYOC_API_KEY is set in your environment and overrides the stored key");
        }
        if (env().var("BYOC_URL") != null && !Credentials.normaliseUrl(env().var("BYOC_URL")).equals(registry)) {
            info("note: BYOC_URL is set to " + env().var("BYOC_URL") + " and overrides the stored URL");
        }
        return ExitCodes.OK;
    }

    private String readKey() {
        String value = key;
        if (value == null) {
            if (env().stdinTty() && System.console() != null) {
                char[] typed = System.console().readPassword("API key for %s: ", username == null ? "you" : username);
                value = typed == null ? "" : new String(typed);
            } else {
                throw CliException.usage("give the API key: --key <key>, or --key - to read it from stdin");
            }
        } else if (value.equals("-")) {
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(env().in(), StandardCharsets.UTF_8));
                String line = reader.readLine();
                value = line == null ? "" : line;
            } catch (IOException e) {
                throw CliException.usage("cannot read the key from stdin: " + e.getMessage());
            }
        }
        value = value.strip();
        if (value.isEmpty()) {
            throw CliException.usage("the API key is empty");
        }
        return value;
    }
}
