package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** 2 for usage and input errors, 4 when the registry cannot be reached or refuses the key; messages on stderr. */
class ExitCodesTest extends RegistryTestBase {
    @Test
    void aRefusedKeyIsFour() {
        cli.vars.put("BYOC_API_KEY", "revoked");

        var result = cli.run("clusters");

        assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("error: the registry at " + registry.url() + " refused the API key: "
                + "the API key is unknown or revoked").contains("byoc login");
    }

    @Test
    void aRefusedConnectionIsFour() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        cli.vars.put("BYOC_URL", "http://127.0.0.1:" + port);

        var result = cli.run("clusters", "describe", "demo-01");

        assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).contains("cannot reach the registry at http://127.0.0.1:" + port + " (connection refused)")
                .contains("BYOC_URL");
    }

    @Test
    void usageErrorsAreTwoWithASuggestion() {
        var unknown = cli.run("clusters", "--colour");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("Unknown option: '--colour'").contains("byoc clusters --help");

        var typo = cli.run("clusters", "describ", "demo-01");
        assertThat(typo.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(typo.err()).contains("describe");

        var group = cli.run("delete");
        assertThat(group.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(group.err()).contains("say what to delete: cluster");

        var badOutput = cli.run("clusters", "-o", "xml");
        assertThat(badOutput.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badOutput.err()).contains("'xml' is not an output format");

        assertThat(registry.requests).isEmpty();
    }

    @Test
    void helpAndVersionGoToStdout() {
        var help = cli.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: byoc").contains("clusters").contains("Exit codes:");

        var version = cli.run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("byoc ");
    }

    /** The shared options take their per-command texts from a bundle by command name: a renamed command would lose them. */
    @Test
    void eachCommandsTextForTheSharedOptionsIsInItsHelp() {
        ResourceBundle texts = ResourceBundle.getBundle("dev.byoc.cli.command.OptionTexts");
        assertThat(texts.keySet()).hasSize(10);
        for (String key : texts.keySet()) {
            List<String> parts = List.of(key.split("\\."));
            List<String> args = new ArrayList<>(parts.subList(1, parts.size() - 1));
            args.add("--help");

            var help = cli.run(args.toArray(String[]::new));

            assertThat(help.exit()).as(key).isZero();
            assertThat(help.out().replaceAll("\\s+", " ")).as(key)
                    .containsPattern("--" + parts.get(parts.size() - 1) + "\\S* " + Pattern.quote(texts.getString(key)));
        }
    }

    @Test
    void completionScriptsForBashAndZsh() {
        var bash = cli.run("completion", "bash");
        assertThat(bash.exit()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("set-cluster-context").contains("--edit-before-creation");

        var zsh = cli.run("completion", "zsh");
        assertThat(zsh.exit()).isZero();
        assertThat(zsh.out()).contains("bashcompinit");

        assertThat(cli.run("completion", "fish").exit()).isEqualTo(ExitCodes.USAGE);
    }
}
