package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.VmNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Names the fields in which two declarations of one network differ, in the config file's field names. */
final class NetworkDifferences {
    private NetworkDifferences() {}

    static String of(ClusterNetwork file, ClusterNetwork source) {
        List<String> d = new ArrayList<>();
        compare(d, "mtu", file.mtu(), source.mtu());
        compare(d, "uplink.nics", file.uplink().nics(), source.uplink().nics());
        compare(d, "uplink.bond.mode", file.uplink().mode().kernelName(), source.uplink().mode().kernelName());
        compare(d, "uplink.bond.miimon", file.uplink().miimon(), source.uplink().miimon());
        compare(d, "uplink.txQueueLen", file.uplink().txQueueLen(), source.uplink().txQueueLen());
        BondSettings f = file.uplink().bond();
        BondSettings s = source.uplink().bond();
        compare(d, "uplink.bond.xmitHashPolicy", shown(f.xmitHashPolicy()), shown(s.xmitHashPolicy()));
        compare(d, "uplink.bond.lacpRate", shown(f.lacpRate()), shown(s.lacpRate()));
        compare(d, "uplink.bond.adSelect", shown(f.adSelect()), shown(s.adSelect()));
        compare(d, "uplink.bond.updelay", shown(f.updelay()), shown(s.updelay()));
        compare(d, "uplink.bond.downdelay", shown(f.downdelay()), shown(s.downdelay()));
        compare(d, "uplink.bond.primary", shown(f.primary()), shown(s.primary()));
        compare(d, "uplink.bond.minLinks", shown(f.minLinks()), shown(s.minLinks()));
        compare(d, "uplink.hardwareAddr", shown(file.uplink().hardwareAddr()), shown(source.uplink().hardwareAddr()));
        return String.join("; ", d);
    }

    static String of(VmNetwork file, VmNetwork source) {
        List<String> d = new ArrayList<>();
        compare(d, "clusterNetwork", file.clusterNetwork(), source.clusterNetwork());
        compare(d, "type", file.type(), source.type());
        compare(d, "vlan", file.vlan(), source.vlan());
        compare(d, "trunk", file.trunk(), source.trunk());
        compare(d, "route", file.route(), source.route());
        return String.join("; ", d);
    }

    /** An option's value, or "unset" (the kernel's default). */
    private static String shown(Optional<?> value) {
        return value.map(Object::toString).orElse("unset");
    }

    private static String shown(OptionalInt value) {
        return value.isPresent() ? Integer.toString(value.getAsInt()) : "unset";
    }

    private static void compare(List<String> out, String field, Object file, Object source) {
        if (!Objects.equals(file, source)) {
            out.add(field + " is " + file + " in the file, " + source + " in the cluster");
        }
    }
}
