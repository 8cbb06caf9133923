package io.vmnetd.daemon.state;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.VidSet;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** Attachments for journal tests, every field set to something recognisable. */
final class Attachments {
    private Attachments() {}

    /** Every optional field present; VLANs with a PVID, an untagged VID and ranges. */
    static Attachment full(String containerId, String ifName) {
        return new Attachment(containerId, ifName, "/var/run/netns/cni-1234", Optional.of("vlan100"), "data",
                "veth" + Integer.toHexString((containerId + ifName).hashCode()), "02:00:5e:10:00:01",
                new PortVlanSpec(VidSet.parse("1,100,200-299,4094"), OptionalInt.of(100), VidSet.of(1, 100)),
                "1.0.0", "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"note\":\"quote \\\" newline \\n ü\"}",
                Optional.of("{\"ips\":[{\"address\":\"10.0.100.5/24\"}]}"), Attachment.State.READY,
                Instant.parse("2024-05-01T12:34:56.123456789Z"));
    }

    /** Every optional field empty; a trunk without PVID or untagged VIDs; still being added. */
    static Attachment sparse(String containerId, String ifName) {
        return new Attachment(containerId, ifName, "/proc/4242/ns/net", Optional.empty(), "mgmt", "vethsparse",
                "02:00:00:00:00:02", PortVlanSpec.trunk(VidSet.parse("2-4094")), "0.4.0", "{}", Optional.empty(),
                Attachment.State.ADDING, Instant.parse("2024-01-01T00:00:00Z"));
    }
}
