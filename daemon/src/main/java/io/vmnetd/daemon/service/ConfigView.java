package io.vmnetd.daemon.service;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigLayers;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.netlink.VidRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GET /v1/config: the running config in the file's own shape, with where each setting came from. */
final class ConfigView {
    private ConfigView() {}

    static Map<String, Object> of(ConfigLayers.Layered layers) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", layers.fileSource().toString());
        out.put("overlay", layers.overlay().isPresent() ? layers.overlaySource().toString() : null);
        out.put("sources", layers.sources());
        out.put("config", document(layers.effective()));
        return out;
    }

    private static Map<String, Object> document(Config c) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("socket", c.socket().toString());
        d.put("socketGroup", c.socketGroup());
        c.adminGroup().ifPresent(g -> d.put("adminGroup", g));
        d.put("stateDir", c.stateDir().toString());
        d.put("logLevel", c.logLevel());
        d.put("resyncSeconds", c.resyncSeconds());
        Map<String, Object> cni = new LinkedHashMap<>();
        cni.put("ipamDirs", c.cni().ipamDirs().stream().map(Object::toString).toList());
        cni.put("ipamTimeoutSeconds", c.cni().ipamTimeout().toSeconds());
        cni.put("reclaimSeconds", c.cni().reclaimInterval().toSeconds());
        cni.put("netnsPaths", c.cni().netnsPaths());
        d.put("cni", cni);
        c.metricsListen().ifPresent(l -> d.put("metrics", Map.of("listen", l.toString())));
        List<Object> cns = new ArrayList<>();
        for (ClusterNetwork cn : c.clusterNetworks()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", cn.name());
            n.put("mtu", cn.mtu());
            Map<String, Object> uplink = new LinkedHashMap<>();
            uplink.put("nics", cn.uplink().nics());
            uplink.put("bond", Map.of("mode", cn.uplink().mode().kernelName(), "miimon", cn.uplink().miimon()));
            cn.uplink().txQueueLen().ifPresent(q -> uplink.put("txQueueLen", q));
            n.put("uplink", uplink);
            cns.add(n);
        }
        d.put("clusterNetworks", cns);
        List<Object> vms = new ArrayList<>();
        for (VmNetwork vm : c.vmNetworks()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", vm.name());
            n.put("clusterNetwork", vm.clusterNetwork());
            n.put("type", vm.type().name());
            vm.vlan().ifPresent(v -> n.put("vlan", v));
            if (!vm.trunk().isEmpty()) {
                List<Object> trunk = new ArrayList<>();
                for (VidRange r : vm.trunk()) {
                    trunk.add(r.isSingle() ? Map.of("id", r.first()) : Map.of("min", r.first(), "max", r.last()));
                }
                n.put("trunk", trunk);
            }
            vms.add(n);
        }
        d.put("vmNetworks", vms);
        return d;
    }
}
