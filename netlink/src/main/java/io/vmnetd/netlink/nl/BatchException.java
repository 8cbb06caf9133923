package io.vmnetd.netlink.nl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Some changes of a batch failed; every other one was made. Names each failed change with its own error, e.g.
 * {@code create veth links: 1 of 300 failed: create veth link "ba150": EEXIST (File exists)}, and keeps the
 * subjects of the changes that were made. As a {@link NetlinkException} it reads as the first failure (its errno,
 * subject and kernel text), so a caller that handles one failure handles this one alike.
 */
public final class BatchException extends NetlinkException {
    private static final long serialVersionUID = 1L;
    /** Failures spelled out in the message; {@link #failures()} has them all. */
    private static final int LISTED = 10;

    private final int attempted;
    private final transient List<NetlinkException> failures;
    private final List<String> done;

    /**
     * @param what      the batch as a whole, e.g. "create veth links"
     * @param attempted how many changes the batch had
     * @param failures  each failed change's own error, in batch order; at least one
     * @param done      the subjects of the changes that were made
     */
    public BatchException(String what, int attempted, List<NetlinkException> failures, List<String> done) {
        super(format(what, attempted, failures), failures.get(0).operation(), failures.get(0).subject().orElse(null),
                failures.get(0).errno(), failures.get(0).kernelMessage().orElse(null));
        this.attempted = attempted;
        this.failures = List.copyOf(failures);
        this.done = List.copyOf(done);
    }

    private static String format(String what, int attempted, List<NetlinkException> failures) {
        String listed = failures.stream().limit(LISTED).map(Throwable::getMessage).collect(Collectors.joining("; "));
        String more = failures.size() > LISTED ? "; and " + (failures.size() - LISTED) + " more" : "";
        return what + ": " + failures.size() + " of " + attempted + " failed: " + listed + more;
    }

    /** Every failed change's own error, in batch order. */
    public List<NetlinkException> failures() {
        return failures;
    }

    /** The subjects (link names...) of the changes that failed, in batch order. */
    public List<String> failedSubjects() {
        return failures.stream().map(e -> e.subject().orElse("?")).toList();
    }

    /** The subjects of the changes that were made. */
    public List<String> done() {
        return done;
    }

    public int attempted() {
        return attempted;
    }
}
