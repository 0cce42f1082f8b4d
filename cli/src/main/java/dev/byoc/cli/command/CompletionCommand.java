package dev.byoc.cli.command;

import dev.byoc.cli.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion",
        description = {"Print the shell completion script.",
            "bash: source <(byoc completion bash)   (or save it in /etc/bash_completion.d/byoc)",
            "zsh:  source <(byoc completion zsh)    (uses bashcompinit)"})
public class CompletionCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<shell>", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        checkUsage(shell.equals("bash") || shell.equals("zsh"), "'" + shell + "' is not supported; use bash or zsh");
        // picocli's script runs in both shells: under zsh it loads bashcompinit itself
        out().print(AutoComplete.bash("byoc", spec.root().commandLine()));
        return ExitCodes.OK;
    }
}
