package io.vmnetd.daemon.metrics;

import java.util.Map;

/** rtnetlink message type numbers (linux/rtnetlink.h) as the short names that label netlink metrics. */
final class NetlinkMessageTypes {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(16, "newlink"), Map.entry(17, "dellink"), Map.entry(18, "getlink"), Map.entry(19, "setlink"),
            Map.entry(20, "newaddr"), Map.entry(21, "deladdr"), Map.entry(22, "getaddr"),
            Map.entry(24, "newroute"), Map.entry(25, "delroute"), Map.entry(26, "getroute"),
            Map.entry(28, "newneigh"), Map.entry(29, "delneigh"), Map.entry(30, "getneigh"),
            Map.entry(32, "newrule"), Map.entry(33, "delrule"), Map.entry(34, "getrule"),
            Map.entry(36, "newqdisc"), Map.entry(37, "delqdisc"), Map.entry(38, "getqdisc"),
            Map.entry(80, "newnetconf"), Map.entry(81, "delnetconf"), Map.entry(82, "getnetconf"),
            Map.entry(84, "newmdb"), Map.entry(85, "delmdb"), Map.entry(86, "getmdb"),
            Map.entry(88, "newnsid"), Map.entry(89, "delnsid"), Map.entry(90, "getnsid"),
            Map.entry(104, "newnexthop"), Map.entry(105, "delnexthop"), Map.entry(106, "getnexthop"),
            Map.entry(112, "newvlan"), Map.entry(113, "delvlan"), Map.entry(114, "getvlan"));

    private NetlinkMessageTypes() {}

    /** The name, or "type_N" for a number not in the table, so that a new message type still gets counted. */
    static String name(int messageType) {
        String name = NAMES.get(messageType);
        return name != null ? name : "type_" + messageType;
    }
}
