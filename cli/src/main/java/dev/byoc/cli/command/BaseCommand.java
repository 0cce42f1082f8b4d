package dev.byoc.cli.command;

import dev.byoc.cli.Byoc;
import dev.byoc.cli.Credentials;
import dev.byoc.cli.Env;
import dev.byoc.cli.RegistryClient;
import dev.byoc.cli.Style;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command shares: the environment, the registry client, stdout for data, stderr for messages. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private RegistryClient client;

    Env env() {
        return ((Byoc) spec.root().userObject()).env();
    }

    PrintStream out() {
        return env().out();
    }

    PrintStream err() {
        return env().err();
    }

    Style errStyle() {
        return env().errStyle();
    }

    Style outStyle() {
        return env().outStyle();
    }

    /** The registry from BYOC_URL / BYOC_API_KEY / the credentials file; resolved only when a command needs it. */
    RegistryClient client() {
        if (client == null) {
            client = new RegistryClient(Credentials.resolve(env()));
        }
        return client;
    }

    void info(String message) {
        err().println(message);
    }

    int fail(int exitCode, String message, List<String> details) {
        Byoc.error(env(), message, details);
        return exitCode;
    }

    /** A usage error (exit 2, with "see `byoc … --help`") unless {@code ok}. */
    void checkUsage(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
