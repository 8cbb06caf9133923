package io.vmnetd.daemon.exec;

import java.nio.file.Path;

/**
 * A program or directory refused because someone other than root could change what it is or contains. The message
 * names the path asked for, the component at fault (as walked from "/", after any symlinks), what it is, and what
 * would be allowed.
 */
public final class UntrustedPathException extends Exception {
    /** Why a path is refused. */
    public enum Problem {
        NOT_ABSOLUTE("an absolute path"),
        CANNOT_OPEN("an existing file or directory"),
        TOO_MANY_SYMLINKS("at most " + PathWalk.MAX_SYMLINKS + " symlinks on the way"),
        NOT_OWNED_BY_ROOT(PathWalk.TRUSTED),
        GROUP_OR_WORLD_WRITABLE(PathWalk.TRUSTED),
        NOT_A_DIRECTORY("a directory"),
        NOT_A_REGULAR_FILE("a regular file"),
        NOT_EXECUTABLE("a file with an execute bit");

        private final String allowed;

        Problem(String allowed) {
            this.allowed = allowed;
        }

        /** What would have been accepted instead, for the message. */
        public String allowed() {
            return allowed;
        }
    }

    private final Path path;
    private final String component;
    private final Problem problem;

    UntrustedPathException(Path path, String component, Problem problem, String what) {
        super(path + ": refused: " + (component.equals(path.toString()) ? "it" : component) + " " + what
                + "; allowed: " + problem.allowed());
        this.path = path;
        this.component = component;
        this.problem = problem;
    }

    /** The path that was asked for. */
    public Path path() {
        return path;
    }

    /** The component at fault, as an absolute path walked from "/" (symlinks already followed). */
    public String component() {
        return component;
    }

    public Problem problem() {
        return problem;
    }
}
