package io.vmnetd.daemon;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigLayers;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.log.Logging;
import io.vmnetd.daemon.service.DaemonService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** {@code java -jar vmnetd.jar [--config FILE]}: runs the daemon in the foreground until SIGTERM. */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        // jnr-ffi implements the libc bindings by reflection instead of generating and loading ASM stubs at every
        // start: some 70 ms less CPU to readiness (scripts/bench start), 0.3 us more per native call, of which a CNI
        // ADD makes a few dozen. Before any binding loads; an option on the command line wins.
        if (System.getProperty("jnr.ffi.asm.enabled") == null) {
            System.setProperty("jnr.ffi.asm.enabled", "false");
        }
        DaemonArgs parsed;
        try {
            parsed = DaemonArgs.parse(args);
        } catch (DaemonArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(DaemonArgs.USAGE);
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.print(DaemonArgs.USAGE);
        } else if (parsed.version()) {
            System.out.println("vmnetd " + DaemonService.VERSION);
        } else {
            int status;
            try {
                status = run(parsed);
            } catch (Exception | Error e) {
                // Exits even if a thread the failed start made is still running.
                e.printStackTrace();
                status = 1;
            }
            System.exit(status);
        }
    }

    private static int run(DaemonArgs args) throws Exception {
        ConfigLayers.Layered layers;
        try {
            layers = ConfigLayers.load(args.config(), loadConfig(args.config()));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Config cfg = layers.effective();
        if (args.logLevel().isPresent() && !Logging.LEVELS.containsKey(args.logLevel().get())) {
            System.err.println("--log-level: unknown level \"" + args.logLevel().get()
                    + "\"; allowed: error, warn, info, debug");
            return 2;
        }
        Logging.configure(args.logLevel().orElse(cfg.logLevel()));
        if (args.check()) {
            return Check.run(cfg);
        }
        Daemon daemon = Daemon.start(layers);
        installSignals(daemon);
        daemon.awaitStop();
        return 0;
    }

    /** An explicit --config must exist; the default file may be missing, which means every default. */
    private static Config loadConfig(Path config) throws ConfigException {
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
}
