package io.vmnetd.kube.translate;

import io.vmnetd.daemon.config.ClusterNetwork;
import java.util.LinkedHashMap;
import java.util.Map;

/** A cluster network as the config file writes it. */
final class ClusterNetworkDocument {
    private ClusterNetworkDocument() {}

    static Map<String, Object> of(ClusterNetwork cn) {
        Map<String, Object> bond = new LinkedHashMap<>();
        bond.put("mode", cn.uplink().mode().kernelName());
        bond.put("miimon", cn.uplink().miimon());
        Map<String, Object> uplink = new LinkedHashMap<>();
        uplink.put("nics", cn.uplink().nics());
        uplink.put("bond", bond);
        cn.uplink().txQueueLen().ifPresent(t -> uplink.put("txQueueLen", t));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", cn.name());
        out.put("mtu", cn.mtu());
        out.put("uplink", uplink);
        return out;
    }
}
