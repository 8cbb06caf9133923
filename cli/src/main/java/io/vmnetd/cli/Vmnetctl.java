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
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code vmnetctl}: the operator's view of vmnetd over its Unix socket. */
@Command(name = "vmnetctl", mixinStandardHelpOptions = true, versionProvider = Vmnetctl.Version.class,
        usageHelpAutoWidth = false, sortOptions = false,
        description = "Inspect and drive vmnetd, the node's VM and pod network daemon, over its Unix socket.",
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

    /**
     * The subcommands, in the order --help lists them. picocli reads a command's annotations when it is added, which
     * is most of vmnetctl's start-up under emulation: a run adds only the command it runs (see {@link #run}).
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("networks", NetworksCommand::new);
        COMMANDS.put("ports", PortsCommand::new);
        COMMANDS.put("links", LinksCommand::new);
        COMMANDS.put("check", CheckCommand::new);
        COMMANDS.put("apply", ApplyCommand::new);
        COMMANDS.put("metrics", MetricsCommand::new);
        COMMANDS.put("version", VersionCommand::new);
        COMMANDS.put("completion", CompletionCommand::new);
        COMMANDS.put("man", ManCommand::new);
        COMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    /** Root options that take a value, whose value must not be taken for a command's name. */
    private static final Set<String> VALUED = Set.of("--socket", "-o", "--output", "--timeout");

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
        CommandLine cli = commandLine(commandIn(args));
        cli.setOut(out).setErr(err);
        return cli.execute(args);
    }

    /** The command model with every command: for help, and the completion scripts and man page made from it. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /** The command a command line runs, when it names one that exists; else null (help, or a usage error). */
    static String commandIn(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUED.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return COMMANDS.containsKey(a) && !a.equals("help") ? a : null;
            }
        }
        return null;
    }

    /** The model with only {@code command} (null: all of them). */
    private static CommandLine commandLine(String command) {
        CommandLine cli = new CommandLine(new Vmnetctl());
        for (Map.Entry<String, Supplier<Object>> c : COMMANDS.entrySet()) {
            if (command == null || command.equals(c.getKey())) {
                cli.addSubcommand(c.getKey(), c.getValue().get());
            }
        }
        if (command == null) {
            // Only --help shows them.
            Map<String, String> codes = new LinkedHashMap<>();
            for (ExitCode code : ExitCode.values()) {
                codes.put((code.code() < 10 ? "  " : " ") + code.code(), code.meaning());
            }
            cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(codes);
        }
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
