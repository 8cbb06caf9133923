package io.vmnetd.netlink.nl;

import io.vmnetd.netlink.sys.Errno;
import java.util.Optional;

/**
 * The kernel (or a system call) refused an operation. Carries what was attempted, on which link, the errno and,
 * when the kernel gave one, its extended-ack message: e.g.
 * {@code create link "br0": EEXIST (File exists)} or
 * {@code set master of "d0.100": EINVAL (Invalid argument); kernel: "Can not enslave a VLAN ..."}.
 */
public class NetlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String subject;
    private final transient Errno errno;
    private final String kernelMessage;

    public NetlinkException(String operation, String subject, Errno errno, String kernelMessage) {
        super(format(operation, subject, errno, kernelMessage));
        this.operation = operation;
        this.subject = subject;
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    /** For a subclass whose message says more than one failure's. */
    protected NetlinkException(String message, String operation, String subject, Errno errno, String kernelMessage) {
        super(message);
        this.operation = operation;
        this.subject = subject;
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    private static String format(String operation, String subject, Errno errno, String kernelMessage) {
        StringBuilder s = new StringBuilder(operation);
        if (subject != null) {
            s.append(" \"").append(subject).append('"');
        }
        s.append(": ").append(errno.name()).append(" (").append(errno.description()).append(')');
        if (kernelMessage != null && !kernelMessage.isEmpty()) {
            s.append("; kernel: \"").append(kernelMessage).append('"');
        }
        return s.toString();
    }

    public String operation() {
        return operation;
    }

    /** The link (or address, route) the operation was about, when there is one. */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    public Errno errno() {
        return errno;
    }

    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }

    public boolean is(Errno e) {
        return errno.equals(e);
    }

    /** The same failure, said of another operation/subject (used when a low layer lacks the context). */
    public NetlinkException describing(String newOperation, String newSubject) {
        NetlinkException e = new NetlinkException(newOperation, newSubject, errno, kernelMessage);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
