package io.vmnetd.netlink;

/** An argument the kernel would refuse, caught before anything is sent; names the argument and the allowed values. */
public class InvalidArgumentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String argument;

    public InvalidArgumentException(String argument, String message) {
        super(argument + ": " + message);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }
}
