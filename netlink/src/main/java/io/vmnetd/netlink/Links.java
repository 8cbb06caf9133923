package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Batch;
import io.vmnetd.netlink.nl.BatchException;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Link operations in one namespace: list, get, create, change, delete. Obtained from {@link RtNetlink#links()};
 * thread-safe like the handle it comes from. Arguments are validated before any message is sent.
 */
public final class Links {
    private final Connection connection;

    Links(Connection connection) {
        this.connection = connection;
    }

    public List<Link> list() {
        return connection.dump(LinkCodec.dump(), "list links", null, Links::decodeListed);
    }

    /**
     * The links enslaved to the link with {@code masterIndex} (a bond's NICs), filtered by the kernel (IFLA_MASTER
     * in the dump request): the node's other links are not even put into messages. A kernel that ignores the
     * filter sends every link; those are dropped here.
     */
    public List<Link> listEnslavedTo(int masterIndex) {
        if (masterIndex <= 0) {
            throw new InvalidArgumentException("master", "interface index " + masterIndex + " is not a link");
        }
        List<Link> out = new ArrayList<>();
        for (Link l : connection.dump(LinkCodec.dump().u32(Rtnl.Ifla.MASTER, masterIndex), "list links enslaved to",
                "#" + masterIndex, Links::decodeListed)) {
            if (l.masterIndex() == masterIndex) {
                out.add(l);
            }
        }
        return out;
    }

    private static Link decodeListed(Message m) {
        return m.type() == Rtnl.RTM_NEWLINK && m.payload().get(0) == Native.AF_UNSPEC ? LinkCodec.decode(m) : null;
    }

    public Optional<Link> find(String name) {
        Arguments.linkName("name", name);
        return find(0, name);
    }

    public Optional<Link> find(int index) {
        if (index <= 0) {
            return Optional.empty();
        }
        return find(index, null);
    }

    /** The link called {@code name}; {@link NetlinkException} with ENODEV when there is none. */
    public Link get(String name) {
        return find(name).orElseThrow(() -> new NetlinkException("get link", name, Errno.ENODEV, null));
    }

    public Link get(int index) {
        return find(index).orElseThrow(() -> new NetlinkException("get link", "#" + index, Errno.ENODEV, null));
    }

    private Optional<Link> find(int index, String name) {
        try {
            List<Message> replies = connection.request(LinkCodec.get(index, name), "get link", name != null ? name : "#" + index);
            return replies.stream().filter(m -> m.type() == Rtnl.RTM_NEWLINK).findFirst().map(LinkCodec::decode);
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates a link; EEXIST when the name is taken. */
    public void create(LinkSpec spec) {
        connection.execute(LinkCodec.create(spec), "create " + spec.kind().kernelName() + " link", spec.name());
    }

    /** Deletes by name in one message; ENODEV when there is no such link. */
    public void delete(String name) {
        Arguments.linkName("name", name);
        connection.execute(LinkCodec.delete(0).string(Rtnl.Ifla.IFNAME, name), "delete link", name);
    }

    public void delete(Link link) {
        connection.execute(LinkCodec.delete(link.index()), "delete link", link.name());
    }

    /**
     * Deletes every link named, sent together in as few datagrams as the bounds allow (one RTM_DELLINK each, as
     * {@code ip -batch} sends them one at a time); links already gone are fine.
     *
     * @return the names that were deleted
     * @throws BatchException naming every link that could not be deleted and why (ENODEV aside); every other link
     *         was deleted
     */
    public List<String> deleteAll(List<String> names) {
        List<Batch.Change> changes = new ArrayList<>();
        for (String name : names) {
            Arguments.linkName("name", name);
            changes.add(new Batch.Change(LinkCodec.delete(0).string(Rtnl.Ifla.IFNAME, name), "delete link", name));
        }
        return executeAll("delete links", changes, Optional.of(Errno.ENODEV));
    }

    /**
     * Deletes exactly these links, by index (a new link that took one's name meanwhile is left alone), sent together;
     * links already gone are fine.
     *
     * @return the links that were deleted
     * @throws BatchException naming every link that could not be deleted and why (ENODEV aside)
     */
    public List<Link> deleteLinks(List<Link> links) {
        List<Batch.Change> changes = new ArrayList<>();
        for (Link link : links) {
            changes.add(new Batch.Change(LinkCodec.delete(link.index()), "delete link", link.name()));
        }
        List<String> deleted = executeAll("delete links", changes, Optional.of(Errno.ENODEV));
        return links.stream().filter(l -> deleted.contains(l.name())).toList();
    }

    /**
     * Creates every link of {@code specs}, sent together in as few datagrams as the bounds allow, in no set order:
     * no spec may need another of the same call (a master, a parent).
     *
     * @throws BatchException naming every link that could not be created and why; every other link was created
     */
    public void createAll(List<LinkSpec> specs) {
        List<Batch.Change> changes = new ArrayList<>();
        for (LinkSpec spec : specs) {
            changes.add(new Batch.Change(LinkCodec.create(spec), "create " + spec.kind().kernelName() + " link",
                    spec.name()));
        }
        executeAll("create links", changes, Optional.empty());
    }

    /** The subjects of the changes made; a failure other than {@code tolerated} is thrown after all were tried. */
    private List<String> executeAll(String what, List<Batch.Change> changes, Optional<Errno> tolerated) {
        List<Optional<NetlinkException>> outcomes = connection.executeAll(changes);
        List<String> done = new ArrayList<>();
        List<NetlinkException> failures = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            Optional<NetlinkException> failure = outcomes.get(i);
            if (failure.isEmpty()) {
                done.add(changes.get(i).subject());
            } else if (tolerated.isEmpty() || !failure.get().is(tolerated.get())) {
                failures.add(failure.get());
            }
        }
        if (!failures.isEmpty()) {
            throw new BatchException(what, changes.size(), failures, done);
        }
        return done;
    }

    /** Deletes the link if it exists; true when something was deleted. */
    public boolean deleteIfExists(String name) {
        try {
            delete(name);
            return true;
        } catch (NetlinkException e) {
            if (e.is(Errno.ENODEV)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Applies {@code change} to the link called {@code name} in one message, after checking a new MTU against
     * the device's own range.
     */
    public void change(String name, LinkChange change) {
        change(get(name), change);
    }

    /** Applies {@code change} to the link with {@code index} in one message, without reading it first. */
    public void change(int index, String name, LinkChange change) {
        if (!change.isEmpty()) {
            connection.execute(LinkCodec.change(index, change), describe(change), name);
        }
    }

    public void change(Link link, LinkChange change) {
        if (change.isEmpty()) {
            return;
        }
        if (change.mtu().isPresent() && link.maxMtu() > 0) {
            Arguments.mtu("mtu", change.mtu().getAsInt(), link.minMtu(), link.maxMtu());
        }
        connection.execute(LinkCodec.change(link.index(), change), describe(change), link.name());
    }

    /**
     * Changes a bridge's VLAN filtering and default PVID, or a bond's settings, in place: only what differs from
     * {@code link}'s kind is sent. Some bond settings change only on a bond that is down or has no slaves
     * ({@link BondOption#change()}); the kernel refuses them otherwise (EBUSY, ENOTEMPTY).
     */
    public void update(Link link, LinkKind kind) {
        if (link.kind().getClass() != kind.getClass()) {
            throw new InvalidArgumentException("kind", link.name() + " is a " + link.kind().kernelName()
                    + ", not a " + kind.kernelName());
        }
        if (link.kind().equals(kind)) {
            return;
        }
        connection.execute(LinkCodec.modify(link.index(), link.kind(), kind), "change " + kind.kernelName()
                + " settings of", link.name());
    }

    /**
     * Sets a bridge port's isolated flag: isolated ports reach the uplink but not each other (IFLA_BRPORT_ISOLATED,
     * sent as the bridge's own port settings).
     */
    public void setPortIsolated(Link port, boolean isolated) {
        io.vmnetd.netlink.nl.MessageBuilder m = new io.vmnetd.netlink.nl.MessageBuilder(Rtnl.RTM_SETLINK, 0)
                .struct(new io.vmnetd.netlink.nl.Structs.IfInfoMsg(Native.AF_BRIDGE, 0, port.index(), 0, 0).encode());
        int protinfo = m.beginNested(Rtnl.Ifla.PROTINFO | io.vmnetd.netlink.nl.Nl.NLA_F_NESTED);
        m.u8(Rtnl.BrPort.ISOLATED, isolated ? 1 : 0);
        m.endNested(protinfo);
        connection.execute(m, "set isolated " + (isolated ? "on" : "off") + " on bridge port", port.name());
    }

    public void setUp(String name) {
        change(name, LinkChange.create().up());
    }

    public void setDown(String name) {
        change(name, LinkChange.create().down());
    }

    public void setMtu(String name, int mtu) {
        change(name, LinkChange.create().mtu(mtu));
    }

    public void setMaster(String name, String masterName) {
        Arguments.linkName("master", masterName);
        change(name, LinkChange.create().master(get(masterName).index()));
    }

    public void setNoMaster(String name) {
        change(name, LinkChange.create().noMaster());
    }

    public void rename(String name, String newName) {
        change(name, LinkChange.create().name(newName));
    }

    public void setMac(String name, MacAddress mac) {
        change(name, LinkChange.create().mac(mac));
    }

    public void setTxQueueLength(String name, int length) {
        change(name, LinkChange.create().txQueueLength(length));
    }

    public void setPromiscuous(String name, boolean on) {
        change(name, LinkChange.create().promiscuous(on));
    }

    public void moveTo(String name, NetNs namespace) {
        change(name, LinkChange.create().namespace(namespace));
    }

    private static String describe(LinkChange c) {
        List<String> parts = new ArrayList<>();
        c.upState().ifPresent(up -> parts.add(up ? "up" : "down"));
        c.mtu().ifPresent(m -> parts.add("mtu " + m));
        c.masterIndex().ifPresent(m -> parts.add(m == 0 ? "nomaster" : "master #" + m));
        c.newName().ifPresent(n -> parts.add("name " + n));
        c.mac().ifPresent(m -> parts.add("address " + m));
        c.txQueueLength().ifPresent(q -> parts.add("txqueuelen " + q));
        c.promiscuous().ifPresent(p -> parts.add("promisc " + (p ? "on" : "off")));
        c.namespace().ifPresent(ns -> parts.add("netns " + ns.path()));
        return "set " + String.join(", ", parts) + " on link";
    }
}
