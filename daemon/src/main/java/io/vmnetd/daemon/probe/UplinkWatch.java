package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.netlink.LinkMonitor;
import io.vmnetd.netlink.VidSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tells which cluster network's path to the physical network changed: its bridge recreated or taken down, its bond
 * or a NIC down, unplugged (carrier) or released, the VIDs the bond carries changed. Probe ports coming and going
 * change none of these, so checks do not trigger checks. Runs its own link monitor, only while something is checked.
 */
final class UplinkWatch implements AutoCloseable {
    /** What of a link matters to connectivity; the bridge's carrier is left out (the probe's port changes it). */
    private record Shape(int index, boolean up, boolean carrier, int master) {}

    private static final Shape GONE = new Shape(0, false, false, 0);

    private final Consumer<String> changed;
    /** Link name -> its cluster network; replaced whole on config changes. */
    private volatile Map<String, String> owners = Map.of();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, VidSet> uplinkVids = new HashMap<>();
    private final LinkMonitor monitor;

    /** @param changed called with a cluster network's name, on the monitor's thread */
    UplinkWatch(Consumer<String> changed) {
        this.changed = changed;
        this.monitor = LinkMonitor.start(this::onEvent);
    }

    /** Watches the bridge, bond and NICs of every cluster network in {@code config} that {@code checked} names. */
    void watch(Config config, java.util.Set<String> checked) {
        Map<String, String> o = new HashMap<>();
        for (String cn : checked) {
            o.put(ClusterNetwork.bridgeName(cn), cn);
            o.put(ClusterNetwork.bondName(cn), cn);
            config.clusterNetwork(cn).ifPresent(c -> c.uplink().nics().forEach(nic -> o.put(nic, cn)));
        }
        owners = Map.copyOf(o);
    }

    private void onEvent(LinkEvent event) {
        if (event.type() == LinkEvent.Type.RESYNC_NEEDED) {
            synchronized (shapes) {
                shapes.clear();
                uplinkVids.clear();
            }
            owners.values().stream().distinct().forEach(changed);
            return;
        }
        String name = event.name().orElse(null);
        String owner = name == null ? null : owners.get(name);
        if (owner == null || !differs(name, owner, event)) {
            return;
        }
        changed.accept(owner);
    }

    private boolean differs(String name, String owner, LinkEvent event) {
        synchronized (shapes) {
            switch (event.type()) {
                case LINK_DELETED:
                    shapes.put(name, GONE); // so that its return is a change too
                    uplinkVids.remove(name);
                    return true;
                case LINK_UPDATED: {
                    Link l = event.link().orElseThrow();
                    boolean bridge = name.equals(ClusterNetwork.bridgeName(owner));
                    Shape s = new Shape(l.index(), l.isUp(), !bridge && l.hasCarrier(), l.masterIndex());
                    Shape before = shapes.put(name, s);
                    return before != null && !before.equals(s);
                }
                case PORT_UPDATED:
                case PORT_REMOVED: {
                    if (!name.equals(ClusterNetwork.bondName(owner))) {
                        return false; // the bridge's own VLANs and NICs' (never bridge ports) do not matter here
                    }
                    VidSet vids = event.port().map(p -> p.vids()).orElse(VidSet.empty());
                    VidSet before = uplinkVids.put(name, vids);
                    return before != null && !Objects.equals(before, vids);
                }
                default:
                    return false;
            }
        }
    }

    @Override
    public void close() {
        monitor.close();
    }
}
