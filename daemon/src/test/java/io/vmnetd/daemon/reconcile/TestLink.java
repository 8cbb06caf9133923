package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.OperState;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.Optional;

/**
 * A readable way to make {@link Link} records for a {@link TestKernel}: a mutable builder, so a test can take a
 * kernel that is as desired and change one thing. The master is named, and resolved to an index when the kernel
 * view is built (a master that does not exist reads as no master).
 */
final class TestLink {
    private final String name;
    private final int index;
    private LinkKind kind;
    private int mtu = 1500;
    private boolean up = true;
    private String master;
    private int txQueueLength = 1000;

    private TestLink(String name, int index, LinkKind kind) {
        this.name = name;
        this.index = index;
        this.kind = kind;
    }

    static TestLink nic(String name, int index) {
        return new TestLink(name, index, new LinkKind.Device());
    }

    static TestLink bond(String name, int index, BondMode mode, int miimon) {
        return new TestLink(name, index, new LinkKind.Bond(mode, miimon));
    }

    /** A bridge as vmnetd makes it: vlan_filtering on, no default PVID. */
    static TestLink bridge(String name, int index) {
        return new TestLink(name, index, new LinkKind.Bridge(true, 0));
    }

    /** A bridge as an installer makes it: vlan_filtering on, default PVID 1 (mgmt-br). */
    static TestLink installerBridge(String name, int index) {
        return new TestLink(name, index, new LinkKind.Bridge(true, 1));
    }

    static TestLink veth(String name, int index) {
        return new TestLink(name, index, new LinkKind.Veth());
    }

    static TestLink dummy(String name, int index) {
        return new TestLink(name, index, new LinkKind.Dummy());
    }

    String name() {
        return name;
    }

    int index() {
        return index;
    }

    LinkKind kind() {
        return kind;
    }

    Optional<String> master() {
        return Optional.ofNullable(master);
    }

    private boolean isolated;
    private boolean promiscuous;
    private Optional<MacAddress> mac = Optional.empty();
    private String parent;

    TestLink mac(String address) {
        this.mac = Optional.of(MacAddress.parse(address));
        return this;
    }

    /** The lower device of a VLAN link, by name. */
    TestLink parent(String parentName) {
        this.parent = parentName;
        return this;
    }

    Optional<String> parent() {
        return Optional.ofNullable(parent);
    }

    /** An 802.1Q link of VLAN {@code vid} on {@code parentName}. */
    static TestLink vlan(String name, int index, String parentName, int vid) {
        return new TestLink(name, index, new LinkKind.Vlan(vid, io.vmnetd.netlink.VlanProtocol.IEEE_802_1Q))
                .parent(parentName);
    }

    TestLink kind(LinkKind newKind) {
        this.kind = newKind;
        return this;
    }

    TestLink mtu(int newMtu) {
        this.mtu = newMtu;
        return this;
    }

    TestLink up() {
        this.up = true;
        return this;
    }

    TestLink down() {
        this.up = false;
        return this;
    }

    TestLink master(String masterName) {
        this.master = masterName;
        return this;
    }

    TestLink noMaster() {
        this.master = null;
        return this;
    }

    /** The bridge port's isolated flag (only reported while enslaved to a bridge). */
    TestLink isolated(boolean on) {
        this.isolated = on;
        return this;
    }

    TestLink promiscuous(boolean on) {
        this.promiscuous = on;
        return this;
    }

    TestLink txQueueLength(int length) {
        this.txQueueLength = length;
        return this;
    }

    /** The record the kernel would report, with {@code masterIndex} and the slave kind of the master. */
    Link build(int masterIndex, Optional<String> slaveKind) {
        return build(masterIndex, slaveKind, 0);
    }

    Link build(int masterIndex, Optional<String> slaveKind, int parentIndex) {
        int flags = (up ? Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP : 0) | (promiscuous ? Rtnl.IFF_PROMISC : 0);
        Optional<Link.BridgePort> port = slaveKind.filter("bridge"::equals)
                .map(k -> new Link.BridgePort(3, true, isolated));
        return new Link(index, name, kind, flags, mtu, 68, 65535, txQueueLength, mac,
                up ? OperState.UP : OperState.DOWN, masterIndex, parentIndex, Optional.empty(), slaveKind, port, 0);
    }
}
