package io.vmnetd.netlink;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Changes to one existing link, sent together in a single RTM_SETLINK. Each setter validates its value; a field
 * left alone is not touched on the link.
 */
public final class LinkChange {
    private Optional<Boolean> up = Optional.empty();
    private OptionalInt mtu = OptionalInt.empty();
    private OptionalInt masterIndex = OptionalInt.empty();
    private Optional<String> newName = Optional.empty();
    private Optional<MacAddress> mac = Optional.empty();
    private OptionalInt txQueueLength = OptionalInt.empty();
    private Optional<Boolean> promiscuous = Optional.empty();
    private Optional<Ipv6AddrGenMode> ipv6AddrGenMode = Optional.empty();
    private NetNs namespace;

    public static LinkChange create() {
        return new LinkChange();
    }

    public LinkChange up() {
        up = Optional.of(true);
        return this;
    }

    public LinkChange down() {
        up = Optional.of(false);
        return this;
    }

    /** Checked here against 68..65535 and, when sent, against the device's own range. */
    public LinkChange mtu(int mtu) {
        this.mtu = OptionalInt.of(Arguments.mtu("mtu", mtu, Arguments.MIN_MTU, Arguments.MAX_MTU));
        return this;
    }

    public LinkChange master(int masterIndex) {
        if (masterIndex <= 0) {
            throw new InvalidArgumentException("master", "interface index " + masterIndex + " is not a link");
        }
        this.masterIndex = OptionalInt.of(masterIndex);
        return this;
    }

    public LinkChange noMaster() {
        this.masterIndex = OptionalInt.of(0);
        return this;
    }

    public LinkChange name(String newName) {
        this.newName = Optional.of(Arguments.linkName("new name", newName));
        return this;
    }

    public LinkChange mac(MacAddress mac) {
        this.mac = Optional.of(Arguments.notNull("mac", mac));
        return this;
    }

    public LinkChange txQueueLength(int length) {
        this.txQueueLength = OptionalInt.of(Arguments.nonNegative("txqueuelen", length));
        return this;
    }

    public LinkChange promiscuous(boolean on) {
        this.promiscuous = Optional.of(on);
        return this;
    }

    /**
     * How the link gets its IPv6 link-local address. It matters only when the link goes up: the kernel applies
     * the mode after any up in the same message, so set it in a change of its own before. A kernel without IPv6
     * refuses it with EAFNOSUPPORT; one also refuses it on link creation, hence no such setting in {@link LinkSpec}.
     */
    public LinkChange ipv6AddrGenMode(Ipv6AddrGenMode mode) {
        this.ipv6AddrGenMode = Optional.of(Arguments.notNull("ipv6 addrgenmode", mode));
        return this;
    }

    /** Moves the link into another namespace; the caller keeps ownership of {@code ns}. */
    public LinkChange namespace(NetNs ns) {
        this.namespace = Arguments.notNull("namespace", ns);
        return this;
    }

    public Optional<Boolean> upState() {
        return up;
    }

    public OptionalInt mtu() {
        return mtu;
    }

    public OptionalInt masterIndex() {
        return masterIndex;
    }

    public Optional<String> newName() {
        return newName;
    }

    public Optional<MacAddress> mac() {
        return mac;
    }

    public OptionalInt txQueueLength() {
        return txQueueLength;
    }

    public Optional<Boolean> promiscuous() {
        return promiscuous;
    }

    public Optional<Ipv6AddrGenMode> ipv6AddrGenMode() {
        return ipv6AddrGenMode;
    }

    public Optional<NetNs> namespace() {
        return Optional.ofNullable(namespace);
    }

    public boolean isEmpty() {
        return up.isEmpty() && mtu.isEmpty() && masterIndex.isEmpty() && newName.isEmpty() && mac.isEmpty()
                && txQueueLength.isEmpty() && promiscuous.isEmpty() && ipv6AddrGenMode.isEmpty() && namespace == null;
    }
}
