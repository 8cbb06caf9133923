package io.vmnetd.netlink;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A link to create: its name and kind, the lower device some kinds need, and settings applied in the same
 * message. Mutable builder; validated as it is built, so a bad value fails before anything is sent.
 */
public final class LinkSpec {
    private final String name;
    private final LinkKind kind;
    private int parentIndex;
    private OptionalInt mtu = OptionalInt.empty();
    private Optional<MacAddress> mac = Optional.empty();
    private OptionalInt txQueueLength = OptionalInt.empty();
    private int masterIndex;
    private boolean up;
    private NetNs namespace;
    private String peerName;
    private NetNs peerNamespace;
    private Optional<MacAddress> peerMac = Optional.empty();
    private int index;
    private int peerIndex;
    private boolean peerDormant;

    private LinkSpec(String name, LinkKind kind) {
        this.name = Arguments.linkName("name", name);
        this.kind = kind;
    }

    public static LinkSpec bridge(String name, boolean vlanFiltering, int defaultPvid) {
        return new LinkSpec(name, new LinkKind.Bridge(vlanFiltering, defaultPvid));
    }

    /** A veth pair: this end is {@code name}, created in the caller's namespace unless {@link #namespace} says otherwise. */
    public static LinkSpec veth(String name, String peerName) {
        LinkSpec s = new LinkSpec(name, new LinkKind.Veth());
        s.peerName = Arguments.linkName("peer name", peerName);
        return s;
    }

    public static LinkSpec vlan(String name, int parentIndex, int id, VlanProtocol protocol) {
        LinkSpec s = new LinkSpec(name, new LinkKind.Vlan(id, protocol));
        s.parentIndex = positiveIndex("parent", parentIndex);
        return s;
    }

    public static LinkSpec bond(String name, BondMode mode, int miimon) {
        return new LinkSpec(name, new LinkKind.Bond(mode, miimon));
    }

    /** A bond with all of {@code kind}'s settings, sent in the create message. */
    public static LinkSpec bond(String name, LinkKind.Bond kind) {
        return new LinkSpec(name, Arguments.notNull("bond", kind));
    }

    public static LinkSpec macvlan(String name, int parentIndex, MacvlanMode mode) {
        LinkSpec s = new LinkSpec(name, new LinkKind.Macvlan(mode));
        s.parentIndex = positiveIndex("parent", parentIndex);
        return s;
    }

    public static LinkSpec dummy(String name) {
        return new LinkSpec(name, new LinkKind.Dummy());
    }

    public LinkSpec mtu(int mtu) {
        this.mtu = OptionalInt.of(Arguments.mtu("mtu", mtu, Arguments.MIN_MTU, Arguments.MAX_MTU));
        return this;
    }

    public LinkSpec mac(MacAddress mac) {
        this.mac = Optional.of(Arguments.notNull("mac", mac));
        return this;
    }

    public LinkSpec txQueueLength(int length) {
        this.txQueueLength = OptionalInt.of(Arguments.nonNegative("txqueuelen", length));
        return this;
    }

    public LinkSpec master(int masterIndex) {
        this.masterIndex = positiveIndex("master", masterIndex);
        return this;
    }

    public LinkSpec up() {
        this.up = true;
        return this;
    }

    /** Create the link straight inside another namespace. The caller keeps ownership of {@code ns}. */
    public LinkSpec namespace(NetNs ns) {
        this.namespace = Arguments.notNull("namespace", ns);
        return this;
    }

    /** Create a veth's peer straight inside another namespace (the pod's), never visible in this one. */
    public LinkSpec peerNamespace(NetNs ns) {
        requireVeth("peer namespace");
        this.peerNamespace = Arguments.notNull("peer namespace", ns);
        return this;
    }

    /**
     * The interface index the new link gets, instead of the next free one: a caller that picks it needs no read
     * back to address the link. EBUSY when it is taken in the link's namespace.
     */
    public LinkSpec index(int ifindex) {
        this.index = positiveIndex("index", ifindex);
        return this;
    }

    /** A veth peer's index, honoured by the kernel only when {@link #index} is given too. */
    public LinkSpec peerIndex(int ifindex) {
        requireVeth("peer index");
        this.peerIndex = positiveIndex("peer index", ifindex);
        return this;
    }

    public int index() {
        return index;
    }

    public int peerIndex() {
        return peerIndex;
    }

    /**
     * The peer starts in operational state DORMANT instead of UNKNOWN. Until the kernel's link watch works out its
     * state (from the carrier, asynchronously), a new link in state UNKNOWN counts as operationally up, so IPv6 makes
     * its link-local address the moment the link goes up, before anything else in the same message applies; a
     * dormant one makes it only when the link watch reports it up, which waits for the RTNL lock that message holds.
     * So an {@link LinkChange#ipv6AddrGenMode} sent together with "up" still applies in time.
     */
    public LinkSpec peerDormant() {
        requireVeth("peer operstate");
        this.peerDormant = true;
        return this;
    }

    public boolean isPeerDormant() {
        return peerDormant;
    }

    public LinkSpec peerMac(MacAddress mac) {
        requireVeth("peer mac");
        this.peerMac = Optional.of(Arguments.notNull("peer mac", mac));
        return this;
    }

    public String name() {
        return name;
    }

    public LinkKind kind() {
        return kind;
    }

    public int parentIndex() {
        return parentIndex;
    }

    public OptionalInt mtu() {
        return mtu;
    }

    public Optional<MacAddress> mac() {
        return mac;
    }

    public OptionalInt txQueueLength() {
        return txQueueLength;
    }

    public int masterIndex() {
        return masterIndex;
    }

    public boolean isUp() {
        return up;
    }

    public Optional<NetNs> namespace() {
        return Optional.ofNullable(namespace);
    }

    public Optional<String> peerName() {
        return Optional.ofNullable(peerName);
    }

    public Optional<NetNs> peerNamespace() {
        return Optional.ofNullable(peerNamespace);
    }

    public Optional<MacAddress> peerMac() {
        return peerMac;
    }

    private void requireVeth(String argument) {
        if (!(kind instanceof LinkKind.Veth)) {
            throw new InvalidArgumentException(argument, "only a veth has a peer");
        }
    }

    private static int positiveIndex(String argument, int index) {
        if (index <= 0) {
            throw new InvalidArgumentException(argument, "interface index " + index + " is not a link; indexes start at 1");
        }
        return index;
    }
}
