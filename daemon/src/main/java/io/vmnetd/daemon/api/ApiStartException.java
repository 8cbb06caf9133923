package io.vmnetd.daemon.api;

import java.io.IOException;

/** The API could not be opened; the message says why in terms an operator can act on. */
public final class ApiStartException extends IOException {

    private static final long serialVersionUID = 1L;

    public ApiStartException(String message) {
        super(message);
    }

    public ApiStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
