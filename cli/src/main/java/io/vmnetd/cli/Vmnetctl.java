package io.vmnetd.cli;

import io.vmnetd.cli.command.ApplyCommand;
import io.vmnetd.cli.command.CheckCommand;
import io.vmnetd.cli.command.CompletionCommand;
import io.vmnetd.cli.command.LinksCommand;
import io.vmnetd.cli.command.ManCommand;
import io.vmnetd.cli.command.MetricsCommand;
import io.vmnetd.cli.command.NetworksCommand;
import io.vmnetd.cli.command.PortsCommand;
import io.vmnetd.cli.command.StatusCommand;
import io.vmnetd.cli.command.VersionCommand;
import io.vmnetd.cli.http.UnixHttpClient;
import io.vmnetd.cli.output.Terminal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code vmnetctl}: the operator's view of vmnetd over its Unix socket. */
@Command(name = "vmnetctl", mixinStandardHelpOptions = true, versionProvider = Vmnetctl.Version.class,
        usageHelpAutoWidth = false, sortOptions = false,
        description = "Inspect and drive vmnetd, the node's VM and pod network daemon, over its Unix socket.",
        subcommands = {StatusCommand.class, NetworksCommand.class, PortsCommand.class, LinksCommand.class,
                CheckCommand.class, ApplyCommand.class, MetricsCommand.class, VersionCommand.class,
                CompletionCommand.class, ManCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  vmnetctl status                   up and ready? (exit status 6 when not ready)",
                "  vmnetctl networks -o wide         networks with their bridges, bonds and NICs",
                "  vmnetctl links data-bo            one port's VLANs, as bridge vlan show has them",
                "  vmnetctl check vlan100            reconcile a network now, show what was repaired",
                "  vmnetctl apply -f new.yaml --dry-run",
                "                                    what a config would change, as a diff",
                "  vmnetctl ports -o json | jq .     CNI attachments, for scripts",
                "",
                "Environment:",
                "  VMNETD_SOCKET   the socket when --socket is not given",
                "  NO_COLOR        set and not empty: never colour the output"})
public final class Vmnetctl implements java.util.concurrent.Callable<Integer> {
    public static final Path DEFAULT_SOCKET = Path.of("/run/vmnetd/vmnetd.sock");

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "vmnetd's API socket (default: $VMNETD_SOCKET, else " + "/run/vmnetd/vmnetd.sock)")
    private Path socket;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "table (default), wide, json or yaml")
    private Format output = Format.table;

    @Option(names = "--no-headers", scope = ScopeType.INHERIT, description = "print tables without their header line")
    private boolean noHeaders;

    @Option(names = "--timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "give up waiting for vmnetd after this long (default: 60)")
    private int timeoutSeconds = 60;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; separate from {@link #main} for tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out).setErr(err);
        return cli.execute(args);
    }

    /** The command model: for running, and for the completion scripts and man page generated from it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Vmnetctl());
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            codes.put(String.format("%3d", code.code()), code.meaning());
        }
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(codes);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliError error) {
                for (String l : error.lines()) {
                    line.getErr().println("vmnetctl: " + l);
                }
                return error.exitCode().code();
            }
            line.getErr().println("vmnetctl: internal error: " + e);
            return ExitCode.ERROR.code();
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            where.getErr().println("vmnetctl: " + e.getMessage() + " (see " + where.getCommandSpec().qualifiedName()
                    + " --help)");
            return ExitCode.USAGE.code();
        });
        return cli;
    }

    /** Without a command: the usage on stderr, as for any other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    public Format output() {
        return output;
    }

    public boolean headers() {
        return !noHeaders;
    }

    public Terminal terminal() {
        return output == Format.table || output == Format.wide ? Terminal.detect() : Terminal.PLAIN;
    }

    public Path socket() {
        if (socket != null) {
            return socket;
        }
        String env = System.getenv("VMNETD_SOCKET");
        return env != null && !env.isEmpty() ? Path.of(env) : DEFAULT_SOCKET;
    }

    public DaemonClient client() {
        if (timeoutSeconds <= 0) {
            throw new CliError(ExitCode.USAGE, "--timeout must be at least 1 second");
        }
        return new DaemonClient(new UnixHttpClient(socket(), Duration.ofSeconds(timeoutSeconds)));
    }

    /** This CLI's version, from the jar's manifest ("dev" when run from classes). */
    public static String version() {
        String v = Vmnetctl.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vmnetctl " + version()};
        }
    }
}
