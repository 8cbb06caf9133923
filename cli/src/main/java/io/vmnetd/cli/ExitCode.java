package io.vmnetd.cli;

/**
 * vmnetctl's exit statuses, one per kind of failure so that scripts can tell them apart (documented in the README
 * and in {@code vmnetctl --help}).
 */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the daemon answered, and the operation failed or found errors (check, apply)"),
    USAGE(2, "bad command line"),
    NOT_RUNNING(3, "the socket exists but nothing accepts on it: vmnetd is not running"),
    NO_SOCKET(4, "there is no socket at the path: vmnetd was never started, or --socket/VMNETD_SOCKET is wrong"),
    PERMISSION(5, "permission denied: not root and not in the socket's group"),
    NOT_READY(6, "vmnetd runs but is not ready (its first reconcile has not succeeded yet)"),
    BAD_CONFIG(7, "the configuration file cannot be read or fails validation"),
    NOT_FOUND(8, "no such network"),
    ERROR(9, "anything else: a timeout, an unexpected answer, an internal error of the daemon");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
