package io.vmnetd.daemon;

import io.vmnetd.daemon.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/**
 * vmnetd's command line: {@code [--config FILE] [--log-level LEVEL] [--check] [-h|--help] [-V|--version]}, each
 * value either as the next word or after "=". Parsed by hand: a command-line library would cost the daemon's
 * start more (its reflection and type converters, some 100 ms of CPU) than these five options are worth.
 *
 * @param logLevel as given; checked against the known levels by the caller
 */
record DaemonArgs(Path config, Optional<String> logLevel, boolean check, boolean help, boolean version) {

    static final String USAGE = """
            Usage: vmnetd [-hV] [--check] [--config=FILE] [--log-level=LEVEL]
            Node networking daemon: cluster-network bridges and bonds, VM network VLANs,
            the CNI service for the vmnet plugin, and the local API on a Unix socket.
                  --check             validate the configuration, print what a start would
                                        change, and exit
                  --config=FILE       configuration file (default: /etc/vmnetd/vmnetd.yaml)
              -h, --help              Show this help message and exit.
                  --log-level=LEVEL   error, warn, info or debug; overrides the config
                                        file's logLevel
              -V, --version           Print version information and exit.
            """;

    /** A command line that names an unknown option or lacks a value; the message says which. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static DaemonArgs parse(String... args) throws UsageException {
        Path config = Config.DEFAULT_FILE;
        Optional<String> logLevel = Optional.empty();
        boolean check = false;
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            boolean takesValue = name.equals("--config") || name.equals("--log-level");
            switch (takesValue ? name : arg) {
                case "--config", "--log-level" -> {
                    String value;
                    if (eq > 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("Missing required parameter for option '" + name + "' ("
                                + (name.equals("--config") ? "FILE" : "LEVEL") + ")");
                    }
                    if (name.equals("--config")) {
                        config = Path.of(value);
                    } else {
                        logLevel = Optional.of(value);
                    }
                }
                case "--check" -> check = true;
                case "-h", "--help" -> help = true;
                case "-V", "--version" -> version = true;
                default -> throw new UsageException(arg.startsWith("-") ? "Unknown option: '" + arg + "'"
                        : "Unmatched argument: '" + arg + "'");
            }
        }
        return new DaemonArgs(config, logLevel, check, help, version);
    }
}
