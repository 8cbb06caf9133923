package io.vmnetd.netlink;

import java.util.Optional;

/** An IP address on a link. */
public record Address(int index, IpPrefix prefix, int scope, int flags, Optional<String> label) {
}
