package io.vmnetd.daemon.probe;

/** A check that could not be made; its message is the {@code error} state's reason. */
public final class ProbeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProbeException(String message) {
        super(message);
    }

    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
