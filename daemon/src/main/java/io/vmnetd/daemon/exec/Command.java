package io.vmnetd.daemon.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a child is started with: exactly this argv (argv[0] included) and exactly this environment, nothing
 * inherited from the daemon, and these bytes on its stdin.
 */
public record Command(List<String> argv, Map<String, String> environment, byte[] stdin) {
    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must hold at least argv[0]");
        }
        for (String a : argv) {
            requireNoNul("argv", a);
        }
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (k.isEmpty() || k.indexOf('=') >= 0) {
                throw new IllegalArgumentException("environment name \"" + k + "\" must be non-empty and without '='");
            }
            requireNoNul("environment name", k);
            requireNoNul("environment value of " + k, v);
            env.put(k, v);
        });
        environment = Collections.unmodifiableMap(env);
        stdin = stdin.clone();
    }

    /** argv[0] is the program's path, as plugins are usually run. */
    public static Command of(TrustedExecutable program, Map<String, String> environment, byte[] stdin) {
        return new Command(List.of(program.path().toString()), environment, stdin);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    byte[] stdinUncopied() {
        return stdin;
    }

    private static void requireNoNul(String what, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain NUL: " + s.replace('\0', '?'));
        }
    }

    @Override
    public String toString() {
        return "Command" + argv + " with " + environment.size() + " variables and " + stdin.length + " bytes of stdin";
    }
}
