package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.util.HashMap;
import java.util.Map;

/**
 * The context one plan is applied in: the daemon's, plus the interface indexes the plan's view read and its steps
 * made, so that steps address links by index without reading them again.
 */
final class Applying implements StepContext {
    private final StepContext base;
    private final Map<String, Integer> indexes = new HashMap<>();

    Applying(StepContext base, KernelView view) {
        this.base = base;
        for (Link l : view.links()) {
            indexes.put(l.name(), l.index());
        }
    }

    @Override
    public RtNetlink host() {
        return base.host();
    }

    @Override
    public NetNs openNamespace(PodEnd pod) {
        return base.openNamespace(pod);
    }

    @Override
    public int index(String name) {
        Integer known = indexes.get(name);
        if (known != null) {
            return known;
        }
        int read = base.host().links().get(name).index();
        indexes.put(name, read);
        return read;
    }

    @Override
    public void made(String name, int index) {
        indexes.put(name, index);
    }

    @Override
    public void gone(String name) {
        indexes.remove(name);
    }
}
