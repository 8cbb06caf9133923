package io.vmnetd.daemon.service;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigLayers;
import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.HostNetwork;
import io.vmnetd.daemon.config.Uplink;
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
            uplink.put("bond", bond(cn.uplink()));
            cn.uplink().txQueueLen().ifPresent(q -> uplink.put("txQueueLen", q));
            cn.uplink().hardwareAddr().ifPresent(mac -> uplink.put("hardwareAddr", mac.toString()));
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
        List<Object> hosts = new ArrayList<>();
        for (HostNetwork h : c.hostNetworks()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", h.name());
            n.put("clusterNetwork", h.clusterNetwork());
            n.put("vlan", h.vlan());
            n.put("mode", h.addressing().mode());
            if (h.addressing() instanceof HostNetwork.Addressing.Static s) {
                n.put("address", s.address().toString());
                s.gateway().ifPresent(g -> n.put("gateway", g.getHostAddress()));
            }
            if (!h.routes().isEmpty()) {
                n.put("routes", h.routes().stream().map(Object::toString).toList());
            }
            hosts.add(n);
        }
        d.put("hostNetworks", hosts);
        return d;
    }

    /** uplink.bond: mode and miimon, and the options that were written. */
    private static Map<String, Object> bond(Uplink uplink) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("mode", uplink.mode().kernelName());
        b.put("miimon", uplink.miimon());
        BondSettings s = uplink.bond();
        s.xmitHashPolicy().ifPresent(v -> b.put("xmitHashPolicy", v.kernelName()));
        s.lacpRate().ifPresent(v -> b.put("lacpRate", v.kernelName()));
        s.adSelect().ifPresent(v -> b.put("adSelect", v.kernelName()));
        s.updelay().ifPresent(v -> b.put("updelay", v));
        s.downdelay().ifPresent(v -> b.put("downdelay", v));
        s.primary().ifPresent(v -> b.put("primary", v));
        s.minLinks().ifPresent(v -> b.put("minLinks", v));
        return b;
    }
}
