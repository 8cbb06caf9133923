package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.ExecNative.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link TrustedExecutable} as a child with real limits; see the package documentation for what is
 * guaranteed. Thread-safe: calls share nothing but the (read-only) program descriptor.
 */
public final class ChildProcess {
    private ChildProcess() {}

    /**
     * Runs {@code program} with exactly {@code command}'s argv and environment, writes its stdin, reads stdout and
     * stderr concurrently within the limits, and returns once the child is reaped and its process group killed.
     *
     * @throws SpawnException the program could not be started; nothing is left behind
     */
    public static Outcome run(TrustedExecutable program, Command command, Limits limits) throws SpawnException {
        try (Descriptors fds = new Descriptors()) {
            int[] in = fds.pipe();
            int[] out = fds.pipe();
            int[] err = fds.pipe();
            fds.nonBlocking(in[1]);
            fds.nonBlocking(out[0]);
            fds.nonBlocking(err[0]);
            long start = System.nanoTime();
            int pid;
            int programFd = program.acquire();
            try {
                pid = Spawn.spawn(programFd, command, in[0], out[1], err[1]);
            } finally {
                program.release();
            }
            // The child has its copies; ours of its ends would keep its stdout from ever reaching end of file.
            fds.close(in[0]);
            fds.close(out[1]);
            fds.close(err[1]);
            Supervision run = new Supervision(pid, start, limits, fds);
            try {
                run.watchExit();
                return run.await(in[1], command.stdinUncopied(), out[0], err[0]);
            } finally {
                run.killAndReapIfRunning();
            }
        }
    }

    /** Every descriptor of one run, closed at its end whatever happens. */
    static final class Descriptors implements AutoCloseable {
        private final List<Integer> open = new ArrayList<>();

        int[] pipe() throws SpawnException {
            ByteBuffer two = direct(8);
            if (libc().pipe2(two, O_CLOEXEC) != 0) {
                throw new SpawnException("cannot make a pipe for a child: " + describe(errno()));
            }
            int[] fds = {two.getInt(0), two.getInt(4)};
            open.add(fds[0]);
            open.add(fds[1]);
            return fds;
        }

        /** Only our end: the child's end of the same pipe is a separate open file and stays blocking. */
        void nonBlocking(int fd) throws SpawnException {
            int flags = libc().fcntl(fd, F_GETFL, 0);
            if (flags < 0 || libc().fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
                throw new SpawnException("cannot make a pipe non-blocking: " + describe(errno()));
            }
        }

        void add(int fd) {
            open.add(fd);
        }

        void close(int fd) {
            if (open.remove(Integer.valueOf(fd))) {
                closeQuietly(fd);
            }
        }

        @Override
        public void close() {
            open.forEach(ExecNative::closeQuietly);
            open.clear();
        }
    }
}
