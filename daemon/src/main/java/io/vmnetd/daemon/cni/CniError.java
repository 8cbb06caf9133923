package io.vmnetd.daemon.cni;

/** A CNI error result: the spec's code, a message and details, printed by the shim as the plugin's stdout. */
public class CniError extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int NOT_AVAILABLE = 50;
    public static final int LIMITED_CONNECTIVITY = 51;

    private final int code;
    private final String details;

    public CniError(int code, String message, String details) {
        super(message);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public CniError(int code, String message) {
        this(code, message, "");
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }
}
