package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.ExecNative.*;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.Pointer;

/**
 * posix_spawn(3) of an opened program. The child's descriptors are exactly: 0, 1, 2 = the given pipe ends and
 * {@value #PROGRAM_FD} = the program's O_PATH descriptor, which it is executed through as
 * "/proc/self/fd/{@value #PROGRAM_FD}". That descriptor must stay open across exec (dup2 clears close-on-exec)
 * because for a "#!" script the kernel hands that path to the interpreter, which opens it again. Everything else
 * the JVM has open is closed in the child (closefrom), whether or not it is close-on-exec.
 *
 * <p>The child leads a new process group (so the whole group can be killed), starts in "/", with no blocked
 * signals and every signal's disposition at its default (the JVM blocks and handles several, and an ignored
 * signal would stay ignored across exec).
 */
final class Spawn {
    static final int PROGRAM_FD = 3;
    private static final String PROGRAM_PATH = "/proc/self/fd/" + PROGRAM_FD;
    /** SIGCANCEL (32) and SIGSETXID (33): bit n-1 of a sigset_t's first word. */
    private static final long GLIBC_INTERNAL_SIGNALS = (1L << 31) | (1L << 32);

    private Spawn() {}

    /** Starts the child and returns its pid; the caller reaps it. */
    static int spawn(int programFd, Command command, int stdin, int stdout, int stderr) throws SpawnException {
        // A source below 4 could be overwritten by an earlier dup2 in the child: move such ones out of the way.
        List<Integer> moved = new ArrayList<>();
        try {
            int[] sources = {stdin, stdout, stderr, programFd};
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] <= PROGRAM_FD) {
                    sources[i] = check("fcntl(F_DUPFD_CLOEXEC)", libc().fcntl(sources[i], F_DUPFD_CLOEXEC, 4));
                    moved.add(sources[i]);
                }
            }
            return spawnWith(sources, command);
        } finally {
            moved.forEach(ExecNative::closeQuietly);
        }
    }

    private static int spawnWith(int[] sources, Command command) throws SpawnException {
        Pointer actions = memory(SPAWN_STRUCT_BYTES);
        Pointer attr = memory(SPAWN_STRUCT_BYTES);
        ExecLibC c = libc();
        checkRc("posix_spawn_file_actions_init", c.posix_spawn_file_actions_init(actions));
        try {
            checkRc("posix_spawnattr_init", c.posix_spawnattr_init(attr));
            try {
                for (int target = 0; target < sources.length; target++) {
                    checkRc("posix_spawn_file_actions_adddup2",
                            c.posix_spawn_file_actions_adddup2(actions, sources[target], target));
                }
                checkRc("posix_spawn_file_actions_addclosefrom_np",
                        c.posix_spawn_file_actions_addclosefrom_np(actions, PROGRAM_FD + 1));
                checkRc("posix_spawn_file_actions_addchdir_np", c.posix_spawn_file_actions_addchdir_np(actions, "/"));

                short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
                checkRc("posix_spawnattr_setflags", c.posix_spawnattr_setflags(attr, flags));
                checkRc("posix_spawnattr_setpgroup", c.posix_spawnattr_setpgroup(attr, 0));
                Pointer none = memory(SIGSET_BYTES);
                c.sigemptyset(none);
                checkRc("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(attr, none));
                Pointer all = memory(SIGSET_BYTES);
                c.sigfillset(all);
                // sigfillset leaves out glibc's own signals 32 and 33, and its posix_spawn then sets them to SIG_IGN
                // in the child, which exec keeps. Their bits, set by hand (sigaddset refuses them), make them default.
                all.putLong(0, all.getLong(0) | GLIBC_INTERNAL_SIGNALS);
                checkRc("posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(attr, all));

                Strings argv = new Strings(command.argv());
                Strings envp = new Strings(envStrings(command.environment()));
                ByteBuffer pid = direct(4);
                int rc = c.posix_spawn(pid, PROGRAM_PATH, actions, attr, argv.array, envp.array);
                Reference.reachabilityFence(argv); // their strings' memory is freed when collected
                Reference.reachabilityFence(envp);
                if (rc != 0) {
                    throw new SpawnException("cannot run " + command.argv().get(0) + ": " + describe(rc));
                }
                return pid.getInt(0);
            } finally {
                c.posix_spawnattr_destroy(attr);
            }
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
        }
    }

    private static List<String> envStrings(Map<String, String> env) {
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** A NULL-terminated char*[] in native memory; the strings stay reachable as long as this object is. */
    private static final class Strings {
        final Pointer array;
        @SuppressWarnings("unused") // keeps each string's memory alive as long as the array
        private final List<Pointer> strings = new ArrayList<>();

        Strings(List<String> values) {
            int width = addressSize();
            array = memory((long) (values.size() + 1) * width);
            for (int i = 0; i < values.size(); i++) {
                byte[] b = values.get(i).getBytes(StandardCharsets.UTF_8);
                Pointer s = memory(b.length + 1L);
                s.put(0, b, 0, b.length);
                strings.add(s);
                array.putPointer((long) i * width, s);
            }
        }
    }

    private static void checkRc(String call, int rc) throws SpawnException {
        if (rc != 0) {
            throw new SpawnException(call + ": " + describe(rc));
        }
    }

    private static int check(String call, int result) throws SpawnException {
        if (result < 0) {
            throw new SpawnException(call + ": " + describe(errno()));
        }
        return result;
    }
}
