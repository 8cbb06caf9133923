package io.vmnetd.daemon.api;

/** Thrown by a {@link DaemonApi} method, or by the API itself, when the client asked for something malformed. */
public final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /** @param field the request part at fault, e.g. {@code dryRun} or {@code body}; empty when none applies */
    public BadRequestException(String message, String field) {
        super(message);
        this.field = field == null ? "" : field;
    }

    public String field() {
        return field;
    }
}
