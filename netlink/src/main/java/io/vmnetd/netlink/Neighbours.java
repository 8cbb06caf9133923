package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Nda;
import io.vmnetd.netlink.nl.Rtnl.Ndt;
import io.vmnetd.netlink.nl.Structs.NdMsg;
import io.vmnetd.netlink.nl.Structs.NdtMsg;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Neighbour entries (the ARP and NDP caches) of links, by interface index: resolve, read, list, delete, and a
 * link's resolution parameters. Thread-safe like the handle it comes from.
 */
public final class Neighbours {
    private final Connection connection;

    Neighbours(Connection connection) {
        this.connection = connection;
    }

    /**
     * Has the kernel resolve {@code address} on the link now, as it would for a packet waiting to go there
     * (NTF_USE): the entry is made if there is none, and solicitations go out unless it is being resolved or holds
     * an address already. On IPv4 they are ARP requests with the link's own address as sender, or 0.0.0.0 (an
     * RFC 5227 probe) when the link has none. Read the outcome with {@link #find}.
     *
     * <p>In a namespace where no address was ever configured (not even loopback's), the kernel has no local table
     * yet and takes every address for a broadcast one: the entry becomes NOARP with ff:ff:ff:ff:ff:ff and nothing
     * is sent. Bringing {@code lo} up is enough.
     */
    public void resolve(int linkIndex, InetAddress address) {
        MessageBuilder m = message(Rtnl.RTM_NEWNEIGH, Nl.F_CREATE, linkIndex, address, Nda.NTF_USE);
        connection.execute(m, "resolve neighbour " + address.getHostAddress() + " on", "#" + linkIndex);
    }

    /** The entry for {@code address} on the link, or empty when there is none. */
    public Optional<Neighbour> find(int linkIndex, InetAddress address) {
        MessageBuilder m = message(Rtnl.RTM_GETNEIGH, 0, linkIndex, address, 0);
        try {
            return connection.request(m, "get neighbour " + address.getHostAddress() + " on", "#" + linkIndex)
                    .stream().filter(r -> r.type() == Rtnl.RTM_NEWNEIGH).findFirst().map(Neighbours::decode);
        } catch (NetlinkException e) {
            if (e.is(Errno.ENOENT)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Every entry of {@code family} ({@code AF_INET} or {@code AF_INET6}) on the link. */
    public List<Neighbour> list(int family, int linkIndex) {
        positive(linkIndex);
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_GETNEIGH, 0)
                .struct(new NdMsg(family, 0, 0, 0, 0).encode())
                .u32(Nda.IFINDEX, linkIndex);
        List<Neighbour> out = new ArrayList<>();
        for (Message reply : connection.dump(m, "list neighbours", "#" + linkIndex)) {
            if (reply.type() == Rtnl.RTM_NEWNEIGH) {
                Neighbour n = decode(reply);
                // Kernels without strict dump filtering send every link's entries.
                if (n.linkIndex() == linkIndex) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Deletes the entry; false when there was none. */
    public boolean deleteIfExists(int linkIndex, InetAddress address) {
        try {
            connection.execute(message(Rtnl.RTM_DELNEIGH, 0, linkIndex, address, 0),
                    "delete neighbour " + address.getHostAddress() + " on", "#" + linkIndex);
            return true;
        } catch (NetlinkException e) {
            if (e.is(Errno.ENOENT)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Changes the link's resolution parameters for {@code family} (its arp_cache or ndisc_cache entry). Entries
     * made afterwards use them.
     */
    public void setParameters(int family, int linkIndex, NeighbourParameters parameters) {
        positive(linkIndex);
        String table = switch (family) {
            case Native.AF_INET -> "arp_cache";
            case Native.AF_INET6 -> "ndisc_cache";
            default -> throw new InvalidArgumentException("family", family + " has no neighbour table; allowed: "
                    + Native.AF_INET + " (IPv4), " + Native.AF_INET6 + " (IPv6)");
        };
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_SETNEIGHTBL, 0).struct(new NdtMsg(family).encode())
                .string(Ndt.NAME, table);
        int parms = m.beginNested(Ndt.PARMS);
        m.u32(Ndt.PARMS_IFINDEX, linkIndex);
        parameters.retransmitTime().ifPresent(t -> m.u64(Ndt.PARMS_RETRANS_TIME, t.toMillis()));
        parameters.unicastProbes().ifPresent(n -> m.u32(Ndt.PARMS_UCAST_PROBES, n));
        parameters.multicastProbes().ifPresent(n -> m.u32(Ndt.PARMS_MCAST_PROBES, n));
        parameters.applicationProbes().ifPresent(n -> m.u32(Ndt.PARMS_APP_PROBES, n));
        m.endNested(parms);
        connection.execute(m, "set " + table + " parameters of", "#" + linkIndex);
    }

    private static MessageBuilder message(int type, int flags, int linkIndex, InetAddress address, int ndmFlags) {
        positive(linkIndex);
        Arguments.notNull("address", address);
        int family = address instanceof Inet4Address ? Native.AF_INET : Native.AF_INET6;
        return new MessageBuilder(type, flags)
                .struct(new NdMsg(family, linkIndex, NeighbourState.NONE.bits(), ndmFlags, 0).encode())
                .bytes(Nda.DST, address.getAddress());
    }

    private static void positive(int linkIndex) {
        if (linkIndex <= 0) {
            throw new InvalidArgumentException("link", "interface index " + linkIndex + " is not a link");
        }
    }

    static Neighbour decode(Message reply) {
        NdMsg nd = NdMsg.decode(reply.payload());
        Attributes a = reply.attributes(NdMsg.LENGTH);
        Attribute dst = a.get(Nda.DST)
                .orElseThrow(() -> new NetlinkParseException("neighbour message without NDA_DST"));
        InetAddress address;
        try {
            address = IpPrefix.fromBytes(dst.bytes());
        } catch (InvalidArgumentException e) {
            throw new NetlinkParseException("neighbour address of " + dst.length() + " bytes");
        }
        return new Neighbour(nd.index(), address,
                a.get(Nda.LLADDR).filter(l -> l.length() == 6).map(l -> MacAddress.of(l.bytes())),
                NeighbourState.ofBits(nd.state()), a.get(Nda.PROBES).map(Attribute::u32).orElse(0));
    }
}
