package io.vmnetd.cli.command;

import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.Vmnetctl;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vmnetctl completion bash|zsh}: the completion script, generated from the command model by picocli. The
 * package installs both; by hand: {@code source <(vmnetctl completion bash)}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true, description = {"Print the shell completion script for bash or zsh.",
        "Generated from vmnetctl's commands and options; the Debian package installs both.",
        "  bash:  source <(vmnetctl completion bash)",
        "  zsh:   vmnetctl completion zsh > \"${fpath[1]}/_vmnetctl\""})
public final class CompletionCommand implements Callable<Integer> {

    /** The shells there is a script for. */
    public enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    private Shell shell;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(script(shell));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }

    /**
     * picocli's script is bash that zsh runs through bashcompinit; for zsh's fpath it gets the {@code #compdef} line
     * that makes compinit load it for vmnetctl.
     */
    public static String script(Shell shell) {
        String bash = AutoComplete.bash("vmnetctl", Vmnetctl.commandLine());
        return switch (shell) {
            case bash -> bash;
            // compinit runs this file as the function _vmnetctl at the first TAB: that TAB is completed too.
            // zsh has no compopt, which the bash script calls to tune how candidates are shown.
            case zsh -> "#compdef vmnetctl\nautoload -U +X bashcompinit && bashcompinit\n"
                    + "(( $+functions[compopt] )) || compopt() { return 0; }\n" + bash
                    + "\nif [[ ${funcstack[1]} == _vmnetctl ]]; then _bash_complete -F _complete_vmnetctl -o default; fi\n";
        };
    }
}
