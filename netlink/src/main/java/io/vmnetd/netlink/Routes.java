package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Rta;
import io.vmnetd.netlink.nl.Structs.RtMsg;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Routes: add, delete, list. Thread-safe like the handle it comes from. */
public final class Routes {
    private final Connection connection;

    Routes(Connection connection) {
        this.connection = connection;
    }

    public void add(Route route) {
        connection.execute(message(Rtnl.RTM_NEWROUTE, Nl.F_CREATE | Nl.F_EXCL, route), "add route", route.destination().toString());
    }

    public void delete(Route route) {
        connection.execute(message(Rtnl.RTM_DELROUTE, 0, route), "delete route", route.destination().toString());
    }

    /** Unicast routes of the main table for one family ({@code AF_INET} or {@code AF_INET6}). */
    public List<Route> list(int family) {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_GETROUTE, 0)
                .struct(new RtMsg(family, 0, 0, 0, 0, 0, 0, 0, 0).encode());
        List<Route> out = new ArrayList<>();
        for (Message reply : connection.dump(m, "list routes", null)) {
            if (reply.type() != Rtnl.RTM_NEWROUTE) {
                continue;
            }
            Route r = decode(reply);
            if (r.table() == Rta.TABLE_MAIN) {
                out.add(r);
            }
        }
        return out;
    }

    private static MessageBuilder message(int type, int flags, Route route) {
        IpPrefix dst = route.destination();
        MessageBuilder m = new MessageBuilder(type, flags).struct(new RtMsg(dst.family(), dst.length(), 0, 0,
                route.table() < 256 ? route.table() : 0, route.protocol(), route.scope(), Rta.TYPE_UNICAST, 0).encode());
        if (dst.length() > 0) {
            m.bytes(Rta.DST, dst.network().address().getAddress());
        }
        route.gateway().ifPresent(gw -> {
            if (gw.getAddress().length != dst.address().getAddress().length) {
                throw new InvalidArgumentException("gateway", gw.getHostAddress() + " is not of the family of " + dst);
            }
            m.bytes(Rta.GATEWAY, gw.getAddress());
        });
        if (route.outputIndex() > 0) {
            m.u32(Rta.OIF, route.outputIndex());
        }
        if (route.priority() > 0) {
            m.u32(Rta.PRIORITY, route.priority());
        }
        if (route.table() >= 256) {
            m.u32(Rta.TABLE, route.table());
        }
        return m;
    }

    static Route decode(Message reply) {
        RtMsg rt = RtMsg.decode(reply.payload());
        Attributes a = reply.attributes(RtMsg.LENGTH);
        try {
            InetAddress dst = a.get(Rta.DST).map(Routes::address)
                    .orElse(address(new byte[rt.family() == io.vmnetd.netlink.sys.Native.AF_INET6 ? 16 : 4]));
            Optional<InetAddress> gateway = a.get(Rta.GATEWAY).map(Routes::address);
            int table = a.get(Rta.TABLE).map(Attribute::u32).orElse(rt.table());
            return new Route(new IpPrefix(dst, rt.dstLength()), gateway, a.get(Rta.OIF).map(Attribute::u32).orElse(0),
                    table, rt.protocol(), rt.scope(), a.get(Rta.PRIORITY).map(Attribute::u32).orElse(0));
        } catch (InvalidArgumentException e) {
            throw new NetlinkParseException(e.getMessage());
        }
    }

    private static InetAddress address(Attribute a) {
        return address(a.bytes());
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return IpPrefix.fromBytes(bytes);
        } catch (InvalidArgumentException e) {
            throw new NetlinkParseException("address of " + bytes.length + " bytes");
        }
    }
}
