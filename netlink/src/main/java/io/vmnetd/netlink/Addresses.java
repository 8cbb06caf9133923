package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Ifa;
import io.vmnetd.netlink.nl.Structs.IfAddrMsg;
import io.vmnetd.netlink.sys.Native;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** IP addresses: add, delete, list. Thread-safe like the handle it comes from. */
public final class Addresses {
    private final Connection connection;
    private final Links links;

    Addresses(Connection connection, Links links) {
        this.connection = connection;
        this.links = links;
    }

    /** Adds {@code prefix} (e.g. 10.0.0.5/24) to the link; IPv6 addresses skip duplicate detection. */
    public void add(String link, IpPrefix prefix) {
        Link l = links.get(Arguments.linkName("link", link));
        connection.execute(message(Rtnl.RTM_NEWADDR, Nl.F_CREATE | Nl.F_EXCL, l.index(), prefix),
                "add address " + prefix + " to", l.name());
    }

    public void delete(String link, IpPrefix prefix) {
        Link l = links.get(Arguments.linkName("link", link));
        connection.execute(message(Rtnl.RTM_DELADDR, 0, l.index(), prefix), "delete address " + prefix + " from", l.name());
    }

    /** Addresses of every link when {@code link} is empty, else of that link. */
    public List<Address> list(Optional<String> link) {
        int index = link.isPresent() ? links.get(Arguments.linkName("link", link.get())).index() : 0;
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_GETADDR, 0)
                .struct(new IfAddrMsg(Native.AF_UNSPEC, 0, 0, 0, index).encode());
        List<Address> out = new ArrayList<>();
        for (Message reply : connection.dump(m, "list addresses", link.orElse(null))) {
            if (reply.type() == Rtnl.RTM_NEWADDR) {
                Address a = decode(reply);
                if (index == 0 || a.index() == index) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    public List<Address> list(String link) {
        return list(Optional.of(link));
    }

    private static MessageBuilder message(int type, int flags, int index, IpPrefix prefix) {
        boolean v6 = prefix.family() == Native.AF_INET6;
        MessageBuilder m = new MessageBuilder(type, flags)
                .struct(new IfAddrMsg(prefix.family(), prefix.length(), v6 ? Ifa.F_NODAD : 0, 0, index).encode());
        byte[] bytes = prefix.address().getAddress();
        m.bytes(Ifa.LOCAL, bytes);
        m.bytes(Ifa.ADDRESS, bytes);
        if (!v6 && prefix.length() < 31 && type == Rtnl.RTM_NEWADDR) {
            m.bytes(Ifa.BROADCAST, broadcast(prefix));
        }
        return m;
    }

    private static byte[] broadcast(IpPrefix prefix) {
        byte[] b = prefix.address().getAddress();
        for (int bit = prefix.length(); bit < 32; bit++) {
            b[bit / 8] |= (byte) (0x80 >> (bit % 8));
        }
        return b;
    }

    static Address decode(Message reply) {
        IfAddrMsg ifa = IfAddrMsg.decode(reply.payload());
        Attributes a = reply.attributes(IfAddrMsg.LENGTH);
        Attribute addr = a.get(Ifa.LOCAL).or(() -> a.get(Ifa.ADDRESS))
                .orElseThrow(() -> new NetlinkParseException("address message without IFA_LOCAL or IFA_ADDRESS"));
        InetAddress address;
        try {
            address = IpPrefix.fromBytes(addr.bytes());
        } catch (InvalidArgumentException e) {
            throw new NetlinkParseException("address of " + addr.length() + " bytes");
        }
        int flags = a.get(Ifa.FLAGS).map(Attribute::u32).orElse(ifa.flags());
        try {
            return new Address(ifa.index(), new IpPrefix(address, ifa.prefixLength()), ifa.scope(), flags,
                    a.get(Ifa.LABEL).map(Attribute::string));
        } catch (InvalidArgumentException e) {
            throw new NetlinkParseException(e.getMessage());
        }
    }
}
