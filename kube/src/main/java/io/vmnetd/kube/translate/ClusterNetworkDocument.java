package io.vmnetd.kube.translate;

import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.ClusterNetwork;
import java.util.LinkedHashMap;
import java.util.Map;

/** A cluster network as the config file writes it: loaded again, it is the same cluster network. */
final class ClusterNetworkDocument {
    private ClusterNetworkDocument() {}

    static Map<String, Object> of(ClusterNetwork cn) {
        Map<String, Object> bond = new LinkedHashMap<>();
        bond.put("mode", cn.uplink().mode().kernelName());
        bond.put("miimon", cn.uplink().miimon());
        BondSettings s = cn.uplink().bond();
        s.xmitHashPolicy().ifPresent(v -> bond.put("xmitHashPolicy", v.kernelName()));
        s.lacpRate().ifPresent(v -> bond.put("lacpRate", v.kernelName()));
        s.adSelect().ifPresent(v -> bond.put("adSelect", v.kernelName()));
        s.updelay().ifPresent(v -> bond.put("updelay", v));
        s.downdelay().ifPresent(v -> bond.put("downdelay", v));
        s.primary().ifPresent(v -> bond.put("primary", v));
        s.minLinks().ifPresent(v -> bond.put("minLinks", v));
        Map<String, Object> uplink = new LinkedHashMap<>();
        uplink.put("nics", cn.uplink().nics());
        uplink.put("bond", bond);
        cn.uplink().txQueueLen().ifPresent(t -> uplink.put("txQueueLen", t));
        cn.uplink().hardwareAddr().ifPresent(mac -> uplink.put("hardwareAddr", mac.toString()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", cn.name());
        out.put("mtu", cn.mtu());
        out.put("uplink", uplink);
        return out;
    }
}
