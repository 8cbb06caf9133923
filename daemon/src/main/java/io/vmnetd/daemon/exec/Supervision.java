package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.ExecNative.*;

import io.vmnetd.daemon.exec.Outcome.Stream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Pointer;

/**
 * One running child, watched by the calling thread alone with poll(2) over non-blocking descriptors: its stdin
 * (written as it drains), stdout and stderr (read as they fill, each bounded) and a pidfd that becomes readable
 * when the child exits. A pidfd does not reap, so the exited child stays a zombie, which keeps its pid, and with
 * it the process group's id, from being reused until {@link #reap} — killing the group first is never a guess.
 * Only this exact pid is ever waited for (the JVM reaps its own children).
 */
final class Supervision {
    private static final int CHUNK = 64 * 1024;
    private static final int POLLFD_BYTES = 8;

    private final int pid;
    private final long start;
    private final Limits limits;
    private final ChildProcess.Descriptors fds;
    private int pidfd = -1;
    private boolean reaped;
    /** Native buffers, fields so they stay reachable (and allocated) for the whole run. */
    private Pointer input;
    private final Pointer chunk = memory(CHUNK);
    private final byte[] copy = new byte[CHUNK];
    private int written;

    Supervision(int pid, long start, Limits limits, ChildProcess.Descriptors fds) {
        this.pid = pid;
        this.start = start;
        this.limits = limits;
        this.fds = fds;
    }

    void watchExit() throws SpawnException {
        pidfd = libc().pidfd_open(pid, 0);
        if (pidfd < 0) {
            throw new SpawnException("cannot watch child " + pid + " (pidfd_open): " + describe(errno()));
        }
        fds.add(pidfd);
    }

    Outcome await(int stdinFd, byte[] stdin, int stdoutFd, int stderrFd) {
        Watched in = new Watched(stdinFd);
        Watched out = new Watched(stdoutFd);
        Watched err = new Watched(stderrFd);
        Watched exit = new Watched(pidfd);
        input = memory(Math.max(1, stdin.length));
        input.put(0, stdin, 0, stdin.length);
        if (stdin.length == 0) {
            in.close();
        }
        Bounded stdout = new Bounded(limits.maxStdoutBytes());
        Bounded stderr = new Bounded(limits.maxStderrBytes());
        ByteBuffer pollfds = direct(4 * POLLFD_BYTES);
        Watched[] polled = new Watched[4];
        long deadline = start + limits.timeout().toNanos();
        long graceEnd = 0;

        while (true) {
            if (!exit.open() && !out.open() && !err.open()) {
                return finished(stdout, stderr, false);
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                killGroup();
                reap();
                return new Outcome.TimedOut(limits.timeout(), stdout.bytes(), stderr.bytes());
            }
            if (!exit.open() && now - graceEnd >= 0) {
                return finished(stdout, stderr, true);
            }
            int n = 0;
            n = add(pollfds, polled, n, in, POLLOUT);
            n = add(pollfds, polled, n, out, POLLIN);
            n = add(pollfds, polled, n, err, POLLIN);
            n = add(pollfds, polled, n, exit, POLLIN);
            long until = !exit.open() && graceEnd - deadline < 0 ? graceEnd : deadline;
            if (libc().poll(pollfds, n, millisUntil(until, now)) < 0) {
                if (errno() == EINTR) {
                    continue;
                }
                throw new IllegalStateException("poll on child " + pid + ": " + describe(errno()));
            }
            for (int i = 0; i < n; i++) {
                Watched p = polled[i];
                if (pollfds.getShort(i * POLLFD_BYTES + 6) == 0 || !p.open()) {
                    continue;
                }
                if (p == in) {
                    feed(in, stdin.length);
                } else if (p == exit) {
                    exit.close(); // it exited: a zombie now, reaped in finished()
                    graceEnd = System.nanoTime() + limits.exitGrace().toNanos();
                    in.close(); // nobody is left whom the input is for
                } else if (!drain(p, p == out ? stdout : stderr)) {
                    killGroup();
                    reap();
                    return p == out
                            ? new Outcome.OutputTooLarge(Stream.STDOUT, limits.maxStdoutBytes())
                            : new Outcome.OutputTooLarge(Stream.STDERR, limits.maxStderrBytes());
                }
            }
        }
    }

    /** The child exited by itself: whatever it left in its group goes too, then it is reaped. */
    private Outcome finished(Bounded stdout, Bounded stderr, boolean outputLeftOpen) {
        killGroup();
        int status = reap();
        int signal = status & 0x7f;
        if (signal == 0) {
            return new Outcome.Exited((status >> 8) & 0xff, stdout.bytes(), stderr.bytes(), outputLeftOpen);
        }
        return new Outcome.Signaled(signal, stdout.bytes(), stderr.bytes());
    }

    /** After a failure in the middle of a run: no child may outlive it, and the failure is what is reported. */
    void killAndReapIfRunning() {
        if (!reaped) {
            killGroup();
            try {
                reap();
            } catch (IllegalStateException alreadyReported) {
                // reaped elsewhere: nothing is left to do for it
            }
        }
    }

    /**
     * SIGKILL to the group and to the child itself (it may have left its group). Safe while the child is not reaped:
     * its pid, and so the group id, cannot belong to anyone else yet.
     */
    private void killGroup() {
        libc().kill(-pid, SIGKILL);
        libc().kill(pid, SIGKILL);
    }

    /** waitpid on this pid only; returns the wait status. */
    private int reap() {
        ByteBuffer status = direct(4);
        while (libc().waitpid(pid, status, 0) < 0) {
            int errno = errno();
            if (errno != EINTR) {
                reaped = true; // ECHILD: something else in this JVM called waitpid(-1); its status is lost
                throw new IllegalStateException("child " + pid + " cannot be reaped: " + describe(errno));
            }
        }
        reaped = true;
        return status.getInt(0);
    }

    /** Writes what the pipe takes now; a child that stopped reading (EPIPE) just gets no more. */
    private void feed(Watched in, int length) {
        while (written < length) {
            long n = libc().write(in.fd, input.slice(written), length - written);
            if (n >= 0) {
                written += (int) n;
            } else if (errno() == EAGAIN) {
                return;
            } else if (errno() != EINTR) {
                break; // EPIPE: it exited or closed stdin without reading it all, which is its right
            }
        }
        in.close();
    }

    /** Reads what is there now; false once more than the limit arrived. End of file (or an error) closes it. */
    private boolean drain(Watched pipe, Bounded sink) {
        while (true) {
            long n = libc().read(pipe.fd, chunk, CHUNK);
            if (n > 0) {
                chunk.get(0, copy, 0, (int) n);
                if (!sink.append(copy, (int) n)) {
                    return false;
                }
            } else if (n < 0 && errno() == EAGAIN) {
                return true;
            } else if (n < 0 && errno() == EINTR) {
                continue;
            } else {
                pipe.close();
                return true;
            }
        }
    }

    private static int add(ByteBuffer pollfds, Watched[] polled, int n, Watched pipe, short events) {
        if (!pipe.open()) {
            return n;
        }
        polled[n] = pipe;
        pollfds.putInt(n * POLLFD_BYTES, pipe.fd);
        pollfds.putShort(n * POLLFD_BYTES + 4, events);
        pollfds.putShort(n * POLLFD_BYTES + 6, (short) 0);
        return n + 1;
    }

    /** Rounded up, so that poll never returns just before the deadline and spins. */
    private static int millisUntil(long until, long now) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now + 999_999)));
    }

    /** One of the run's descriptors that is polled; closing it goes through the run's bookkeeping. */
    private final class Watched {
        private final int fd;
        private boolean open = true;

        Watched(int fd) {
            this.fd = fd;
        }

        boolean open() {
            return open;
        }

        void close() {
            if (open) {
                open = false;
                fds.close(fd);
            }
        }
    }

    /** Output kept up to a limit. */
    private static final class Bounded {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Bounded(int limit) {
            this.limit = limit;
        }

        boolean append(byte[] b, int n) {
            if ((long) bytes.size() + n > limit) {
                return false;
            }
            bytes.write(b, 0, n);
            return true;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
