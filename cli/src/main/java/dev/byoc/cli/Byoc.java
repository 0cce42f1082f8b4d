package dev.byoc.cli;

import dev.byoc.cli.command.ClustersCommand;
import dev.byoc.cli.command.CompletionCommand;
import dev.byoc.cli.command.DeleteCommand;
import dev.byoc.cli.command.EditCommand;
import dev.byoc.cli.command.EventsCommand;
import dev.byoc.cli.command.LoginCommand;
import dev.byoc.cli.command.UserCommand;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command. {@link #run} is what Main and the tests call. */
@Command(name = "byoc",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        resourceBundle = "dev.byoc.cli.command.OptionTexts", // per-command texts of the shared options
        description = {
            "Register, watch, edit and delete your own AWS clusters on the BYOC platform (the verbs of Grid's CLI).",
            "",
            "The registry and API key come from BYOC_URL / BYOC_API_KEY, else from `byoc login`."},
        subcommands = {
            LoginCommand.class,
            ClustersCommand.class,
            EditCommand.class,
            DeleteCommand.class,
            UserCommand.class,
            EventsCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed (AWS validation failed, the cluster failed, you said no)",
            "2:usage or input error (bad flag, a spec breaking the rules, unknown cluster)",
            "3:--wait timed out (the operation continues in the background)",
            "4:cannot reach the registry or it refused the API key"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  byoc login --username alice --key $KEY --url https://byoc.example.com",
            "  byoc clusters prerequisites -o tfvars > byoc.auto.tfvars",
            "  terraform output -json byoc_cluster | byoc clusters aws --spec-file - --wait",
            "  byoc clusters",
            "  byoc delete cluster foo-01 --wait"})
public final class Byoc implements Callable<Integer> {
    private final Env env;

    @Spec
    CommandSpec spec;

    public Byoc(Env env) {
        this.env = env;
    }

    public Env env() {
        return env;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(env.out(), ansi(env.stdoutTty()));
        return ExitCodes.OK;
    }

    public static int run(Env env, String... args) {
        return commandLine(env).execute(args);
    }

    public static CommandLine commandLine(Env env) {
        CommandLine cli = new CommandLine(new Byoc(env));
        withHelpOptions(cli);
        cli.setOut(new PrintWriter(env.out(), true));
        cli.setErr(new PrintWriter(env.err(), true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ansi(env.colour(env.stdoutTty()))));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setAbbreviatedOptionsAllowed(false);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException failure) {
                error(env, failure.getMessage(), failure.details());
                return failure.exitCode();
            }
            if (e instanceof CommandLine.ParameterException usage) {
                return usageError(env, usage);
            }
            error(env, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    env.debug() ? List.of() : List.of("set BYOC_DEBUG=1 for the stack trace"));
            if (env.debug()) {
                e.printStackTrace(env.err());
            }
            return ExitCodes.FAILED;
        });
        cli.setParameterExceptionHandler((e, args) -> usageError(env, e));
        return cli;
    }

    /** --help (and --version) on every subcommand: `byoc clusters aws --help`. */
    private static void withHelpOptions(CommandLine command) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(Byoc::withHelpOptions);
    }

    private static int usageError(Env env, CommandLine.ParameterException e) {
        error(env, e.getMessage(), List.of());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, env.err());
        CommandLine command = e.getCommandLine();
        env.err().println("see `" + command.getCommandSpec().qualifiedName() + " --help`");
        return ExitCodes.USAGE;
    }

    /** "error: message" and indented detail lines, on stderr. */
    public static void error(Env env, String message, List<String> details) {
        env.err().println(env.errStyle().red("error:") + " " + message);
        for (String line : details) {
            env.err().println("  " + line);
        }
    }

    static CommandLine.Help.Ansi ansi(boolean on) {
        return on ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF;
    }
}
