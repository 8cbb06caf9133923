package io.vmnetd.daemon;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigLayers;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.log.Logging;
import io.vmnetd.daemon.service.DaemonService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar vmnetd.jar [--config FILE]}: runs the daemon in the foreground until SIGTERM. */
@Command(name = "vmnetd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Node networking daemon: cluster-network bridges and bonds, VM network VLANs, the CNI "
                + "service for the vmnet plugin, and the local API on a Unix socket.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default: ${DEFAULT-VALUE})",
            defaultValue = "/etc/vmnetd/vmnetd.yaml")
    private Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warn, info or debug; overrides the config file's logLevel")
    private String logLevel;

    @Option(names = "--check", description = "validate the configuration, print what a start would change, and exit")
    private boolean check;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ConfigLayers.Layered layers;
        try {
            layers = ConfigLayers.load(config, loadConfig());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Config cfg = layers.effective();
        if (logLevel != null && !Logging.LEVELS.containsKey(logLevel)) {
            System.err.println("--log-level: unknown level \"" + logLevel + "\"; allowed: error, warn, info, debug");
            return 2;
        }
        Logging.configure(logLevel != null ? logLevel : cfg.logLevel());
        if (check) {
            return Check.run(cfg);
        }
        Daemon daemon = Daemon.start(layers);
        installSignals(daemon);
        daemon.awaitStop();
        return 0;
    }

    /** An explicit --config must exist; the default file may be missing, which means every default. */
    private Config loadConfig() throws ConfigException {
        if (!Files.exists(config) && config.equals(Config.DEFAULT_FILE)) {
            return Config.defaults();
        }
        return ConfigLoader.load(config);
    }

    @SuppressWarnings("restriction")
    private static void installSignals(Daemon daemon) {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
            LOG.info("SIGHUP: reloading the config");
            new Thread(daemon::reload, "reload").start();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping; links stay as they are");
            daemon.close();
        }, "shutdown"));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vmnetd " + DaemonService.VERSION};
        }
    }
}
