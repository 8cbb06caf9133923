package io.vmnetd.daemon.model;

import java.util.Objects;

/** Where the DHCP lease of a host network in {@code mode: dhcp} stands. */
public sealed interface LeaseState {
    /**
     * None bound since the daemon started: the interface keeps what it holds (the address of a lease from before a
     * restart, which is asked for again) until one is.
     */
    record Seeking() implements LeaseState {}

    record Bound(LeasedAddress lease) implements LeaseState {
        public Bound {
            Objects.requireNonNull(lease, "lease");
        }
    }

    /** Refused by the server or run out: its address and routes go until a new lease is bound. */
    record Lost() implements LeaseState {}
}
