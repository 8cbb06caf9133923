package io.vmnetd.netlink;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Changes to one link's neighbour resolution parameters (what {@code ip ntable change dev LINK} sets, and
 * /proc/sys/net/ipv4/neigh/LINK/ shows), sent together. A field left alone keeps the link's value, which the link
 * copied from the table's defaults when it was made.
 *
 * <p>A resolution (an entry going INCOMPLETE) sends {@code multicastProbes} broadcast solicitations
 * {@code retransmitTime} apart and fails {@code retransmitTime} after the last one unanswered; {@code unicastProbes}
 * is also where the entry's probe counter starts.
 */
public final class NeighbourParameters {
    private static final Duration MIN_RETRANSMIT = Duration.ofMillis(10);

    private Optional<Duration> retransmitTime = Optional.empty();
    private OptionalInt unicastProbes = OptionalInt.empty();
    private OptionalInt multicastProbes = OptionalInt.empty();
    private OptionalInt applicationProbes = OptionalInt.empty();

    public static NeighbourParameters create() {
        return new NeighbourParameters();
    }

    /** The wait between solicitations; the kernel keeps milliseconds and never waits less than 10 ms. */
    public NeighbourParameters retransmitTime(Duration time) {
        Arguments.notNull("retransmit time", time);
        if (time.compareTo(MIN_RETRANSMIT) < 0) {
            throw new InvalidArgumentException("retransmit time", time.toMillis() + " ms is under the kernel's "
                    + MIN_RETRANSMIT.toMillis() + " ms");
        }
        this.retransmitTime = Optional.of(time);
        return this;
    }

    public NeighbourParameters unicastProbes(int probes) {
        this.unicastProbes = OptionalInt.of(Arguments.nonNegative("unicast probes", probes));
        return this;
    }

    public NeighbourParameters multicastProbes(int probes) {
        this.multicastProbes = OptionalInt.of(Arguments.nonNegative("multicast probes", probes));
        return this;
    }

    /** Solicitations handed to a user-space daemon through netlink (0: none). */
    public NeighbourParameters applicationProbes(int probes) {
        this.applicationProbes = OptionalInt.of(Arguments.nonNegative("application probes", probes));
        return this;
    }

    public Optional<Duration> retransmitTime() {
        return retransmitTime;
    }

    public OptionalInt unicastProbes() {
        return unicastProbes;
    }

    public OptionalInt multicastProbes() {
        return multicastProbes;
    }

    public OptionalInt applicationProbes() {
        return applicationProbes;
    }
}
