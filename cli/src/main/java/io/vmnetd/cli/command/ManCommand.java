package io.vmnetd.cli.command;

import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.Vmnetctl;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vmnetctl man}: the vmnetctl(1) man page in roff, written from the same command model as --help, so the two
 * cannot disagree. Hidden: the package runs it once to install /usr/share/man/man1/vmnetctl.1.gz.
 */
@Command(name = "man", mixinStandardHelpOptions = true, hidden = true, description = "Print the vmnetctl(1) man page (roff).")
public final class ManCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(page(Vmnetctl.commandLine().getCommandSpec()));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }

    static String page(CommandSpec root) {
        StringBuilder m = new StringBuilder();
        m.append(".TH VMNETCTL 1 \"\" \"vmnetctl ").append(Vmnetctl.version()).append("\" \"vmnetd\"\n");
        m.append(".SH NAME\nvmnetctl \\- ").append(esc(String.join(" ", root.usageMessage().description()))).append('\n');
        m.append(".SH SYNOPSIS\n.B vmnetctl\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n");
        m.append(".SH OPTIONS\nThese options are accepted before or after the command.\n");
        options(m, root.options());
        m.append(".SH COMMANDS\n");
        for (CommandLine sub : root.subcommands().values()) {
            CommandSpec c = sub.getCommandSpec();
            if (c.usageMessage().hidden() || c.name().equals("help")) {
                continue;
            }
            m.append(".SS ").append(c.name());
            for (PositionalParamSpec p : c.positionalParameters()) {
                m.append(' ').append(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel());
            }
            m.append('\n').append(esc(String.join(" ", c.usageMessage().description()))).append('\n');
            options(m, c.options().stream().filter(o -> !o.inherited() && !o.usageHelp() && !o.versionHelp()).toList());
        }
        m.append(".SH EXIT STATUS\n");
        for (ExitCode code : ExitCode.values()) {
            m.append(".TP\n.B ").append(code.code()).append('\n').append(esc(code.meaning())).append('\n');
        }
        m.append(".SH EXAMPLES\n.nf\n");
        for (String line : root.usageMessage().footer()) {
            m.append(esc(line)).append('\n');
        }
        m.append(".fi\n.SH FILES\n.TP\n/run/vmnetd/vmnetd.sock\nvmnetd's API socket (mode 0660, group socketGroup)\n");
        m.append(".TP\n/etc/vmnetd/vmnetd.yaml\nvmnetd's configuration\n");
        m.append(".SH SEE ALSO\n.BR vmnetd (8),\n.BR bridge (8),\n.BR systemctl (1)\n");
        return m.toString();
    }

    private static void options(StringBuilder m, List<OptionSpec> options) {
        for (OptionSpec o : options) {
            m.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
            if (o.arity().max() > 0) {
                m.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            m.append('\n').append(esc(description(o))).append('\n');
        }
    }

    private static String description(ArgSpec arg) {
        return String.join(" ", arg.description());
    }

    /** Backslashes doubled, dashes made literal, and a leading dot or quote kept from being read as a request. */
    private static String esc(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }
}
