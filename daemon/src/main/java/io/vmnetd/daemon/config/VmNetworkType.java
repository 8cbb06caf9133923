package io.vmnetd.daemon.config;

import java.util.Arrays;
import java.util.List;

/** Kinds of VM network; the constant names are the values written in the config, as in Harvester. */
public enum VmNetworkType {
    /** VM ports are access ports of one VLAN. */
    L2VlanNetwork,
    /** VM ports carry the cluster network's untagged (native) traffic. */
    UntaggedNetwork,
    /** VM ports carry a set of VLANs tagged, the guest does the tagging. */
    L2VlanTrunkNetwork;

    static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
