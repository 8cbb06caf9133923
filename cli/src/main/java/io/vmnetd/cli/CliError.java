package io.vmnetd.cli;

import java.util.List;

/**
 * A failure to report: one line per entry of {@link #lines()} on stderr (the first says what went wrong, any more
 * list details such as every problem of a config file), and the exit status.
 */
public final class CliError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;
    private final List<String> lines;

    public CliError(ExitCode exitCode, String line) {
        this(exitCode, List.of(line));
    }

    public CliError(ExitCode exitCode, List<String> lines) {
        super(lines.get(0));
        this.exitCode = exitCode;
        this.lines = List.copyOf(lines);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public List<String> lines() {
        return lines;
    }
}
