package io.vmnetd.daemon.reconcile;

import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Who may change a cluster network's bridge at once. A reconcile of the whole network holds it alone: it reads every
 * link and plans the bridge, the uplink and every port from that one read. Work on single VM ports (a CNI call's
 * port, a port whose link event asked for a look) shares the network and is exclusive only per port: each such step
 * touches nothing but its own veth, and its VLANs and flags on the bridge, so 50 ADDs on one bridge need not queue
 * behind each other's netlink round trips (the kernel's RTNL lock serialises what must be). Port locks are striped
 * by host interface name, so their number stays fixed however many ports come and go; several are always taken in
 * stripe order, so two holders never wait for each other.
 */
final class NetworkLocks {
    private static final int PORT_STRIPES = 256;

    private final Map<String, ReentrantReadWriteLock> networks = new ConcurrentHashMap<>();
    private final ReentrantLock[] ports = new ReentrantLock[PORT_STRIPES];

    NetworkLocks() {
        for (int i = 0; i < PORT_STRIPES; i++) {
            ports[i] = new ReentrantLock();
        }
    }

    /** A held lock; close it to release. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code network} alone: no port work and no other reconcile of it runs until this is closed. */
    Held network(String network) {
        Lock lock = of(network).writeLock();
        lock.lock();
        return lock::unlock;
    }

    /** The ports {@code hostIfNames} of {@code network}: other ports' work goes on meanwhile, a whole reconcile not. */
    Held ports(String network, Collection<String> hostIfNames) {
        Lock shared = of(network).readLock();
        shared.lock();
        TreeSet<Integer> stripes = new TreeSet<>();
        for (String name : hostIfNames) {
            stripes.add(Math.floorMod(name.hashCode(), PORT_STRIPES));
        }
        for (int stripe : stripes) {
            ports[stripe].lock();
        }
        return () -> {
            for (int stripe : stripes.descendingSet()) {
                ports[stripe].unlock();
            }
            shared.unlock();
        };
    }

    private ReentrantReadWriteLock of(String network) {
        return networks.computeIfAbsent(network, n -> new ReentrantReadWriteLock());
    }
}
