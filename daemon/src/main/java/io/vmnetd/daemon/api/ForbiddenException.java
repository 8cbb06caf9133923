package io.vmnetd.daemon.api;

/**
 * Thrown by a {@link DaemonApi} method when the caller may not ask for this over the API at all, whoever it is: a
 * setting that only the config file may hold. Answered as 403 naming the field.
 */
public final class ForbiddenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public ForbiddenException(String message, String field) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
