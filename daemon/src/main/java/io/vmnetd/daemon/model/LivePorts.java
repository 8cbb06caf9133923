package io.vmnetd.daemon.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The live VM ports (the attachments CNI made and has not deleted), as the reconciler asks for them: all of them
 * for a whole network's reconcile, one by its host end for what a single port's link event or CNI call needs. The
 * second must not cost a pass over all ports: with a thousand ports on a node, every CNI call's events ask it.
 */
public interface LivePorts {
    /** Every live port. */
    List<NetworkPort> all();

    /** The live port whose host end is {@code hostIfName}, if there is one. */
    Optional<NetworkPort> named(String hostIfName);

    /**
     * Goes up whenever {@link #all} would answer differently, so that what is built from all ports is built once per
     * change; empty when not tracked ({@link #all} is then asked every time).
     */
    OptionalLong version();

    /** Ports from a list asked for on every use, looked through for {@link #named}: for checks and tests. */
    static LivePorts listed(Supplier<List<NetworkPort>> ports) {
        return new LivePorts() {
            @Override
            public List<NetworkPort> all() {
                return ports.get();
            }

            @Override
            public Optional<NetworkPort> named(String hostIfName) {
                return ports.get().stream().filter(p -> p.port().hostIfName().equals(hostIfName)).findFirst();
            }

            @Override
            public OptionalLong version() {
                return OptionalLong.empty();
            }
        };
    }
}
