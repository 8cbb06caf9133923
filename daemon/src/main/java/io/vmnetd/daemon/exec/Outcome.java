package io.vmnetd.daemon.exec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a child's run ended. Whatever the outcome, when {@link ChildProcess#run} returns the child has been reaped,
 * no process is left in its process group, and every descriptor of the run is closed.
 */
public sealed interface Outcome {
    /** For logs and error messages: "exited with 1", "timed out after 30 s", "stderr larger than 1048576 bytes". */
    String describe();

    /** Which output stream. */
    enum Stream {
        STDOUT, STDERR;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * The program exited by itself with {@code code}.
     *
     * @param outputLeftOpen a process it left behind still held stdout or stderr open {@link Limits#exitGrace()}
     *                       after it exited; reading stopped there, so output written later is not included
     */
    record Exited(int code, byte[] stdout, byte[] stderr, boolean outputLeftOpen) implements Outcome {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        @Override
        public String describe() {
            return "exited with " + code + (outputLeftOpen ? " (its output was left open by a process it started)" : "");
        }

        @Override
        public String toString() {
            return describe() + ", " + stdout.length + " bytes of stdout, " + stderr.length + " of stderr";
        }
    }

    /** The program was killed by a signal that this package did not send. */
    record Signaled(int signal, byte[] stdout, byte[] stderr) implements Outcome {
        @Override
        public String describe() {
            return "killed by signal " + signal;
        }

        @Override
        public String toString() {
            return describe() + ", " + stdout.length + " bytes of stdout, " + stderr.length + " of stderr";
        }
    }

    /** The timeout passed: the process group was killed with SIGKILL. Holds the output read until then. */
    record TimedOut(Duration after, byte[] stdout, byte[] stderr) implements Outcome {
        @Override
        public String describe() {
            long ms = after.toMillis();
            return "timed out after " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms");
        }

        @Override
        public String toString() {
            return describe() + ", " + stdout.length + " bytes of stdout, " + stderr.length + " of stderr";
        }
    }

    /** {@code stream} went past {@code limit} bytes: reading stopped and the process group was killed. */
    record OutputTooLarge(Stream stream, int limit) implements Outcome {
        @Override
        public String describe() {
            return stream + " larger than " + limit + " bytes";
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
