package io.vmnetd.netlink.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The fixed structs that open rtnetlink messages: encoders return wire bytes, decoders check lengths. */
public final class Structs {
    private Structs() {}

    /** struct ifinfomsg: 16 bytes. */
    public record IfInfoMsg(int family, int deviceType, int index, int flags, int change) {
        public static final int LENGTH = 16;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.put((byte) family).put((byte) 0).putShort((short) deviceType).putInt(index).putInt(flags).putInt(change);
            return b.array();
        }

        public static IfInfoMsg decode(ByteBuffer p) {
            check(p, LENGTH, "ifinfomsg");
            return new IfInfoMsg(p.get(0) & 0xff, p.getShort(2) & 0xffff, p.getInt(4), p.getInt(8), p.getInt(12));
        }
    }

    /** struct ifaddrmsg: 8 bytes. */
    public record IfAddrMsg(int family, int prefixLength, int flags, int scope, int index) {
        public static final int LENGTH = 8;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(index);
            return b.array();
        }

        public static IfAddrMsg decode(ByteBuffer p) {
            check(p, LENGTH, "ifaddrmsg");
            return new IfAddrMsg(p.get(0) & 0xff, p.get(1) & 0xff, p.get(2) & 0xff, p.get(3) & 0xff, p.getInt(4));
        }
    }

    /** struct rtmsg: 12 bytes. */
    public record RtMsg(int family, int dstLength, int srcLength, int tos, int table, int protocol, int scope,
                        int type, int flags) {
        public static final int LENGTH = 12;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.put((byte) family).put((byte) dstLength).put((byte) srcLength).put((byte) tos).put((byte) table)
                    .put((byte) protocol).put((byte) scope).put((byte) type).putInt(flags);
            return b.array();
        }

        public static RtMsg decode(ByteBuffer p) {
            check(p, LENGTH, "rtmsg");
            return new RtMsg(p.get(0) & 0xff, p.get(1) & 0xff, p.get(2) & 0xff, p.get(3) & 0xff, p.get(4) & 0xff,
                    p.get(5) & 0xff, p.get(6) & 0xff, p.get(7) & 0xff, p.getInt(8));
        }
    }

    /** struct ndmsg: 12 bytes, opens RTM_{NEW,DEL,GET}NEIGH. */
    public record NdMsg(int family, int index, int state, int flags, int type) {
        public static final int LENGTH = 12;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putShort((short) state)
                    .put((byte) flags).put((byte) type);
            return b.array();
        }

        public static NdMsg decode(ByteBuffer p) {
            check(p, LENGTH, "ndmsg");
            return new NdMsg(p.get(0) & 0xff, p.getInt(4), p.getShort(8) & 0xffff, p.get(10) & 0xff, p.get(11) & 0xff);
        }
    }

    /** struct ndtmsg: 4 bytes, opens RTM_{GET,SET}NEIGHTBL. */
    public record NdtMsg(int family) {
        public static final int LENGTH = 4;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.put((byte) family).put((byte) 0).putShort((short) 0);
            return b.array();
        }
    }

    /** struct br_vlan_msg: 8 bytes, opens RTM_{NEW,DEL,GET}VLAN. */
    public record BrVlanMsg(int family, int index) {
        public static final int LENGTH = 8;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index);
            return b.array();
        }

        public static BrVlanMsg decode(ByteBuffer p) {
            check(p, LENGTH, "br_vlan_msg");
            return new BrVlanMsg(p.get(0) & 0xff, p.getInt(4));
        }
    }

    /** struct bridge_vlan_info: flags then VID, 4 bytes. */
    public record BridgeVlanInfo(int flags, int vid) {
        public static final int LENGTH = 4;

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
            b.putShort((short) flags).putShort((short) vid);
            return b.array();
        }

        public static BridgeVlanInfo decode(ByteBuffer p) {
            check(p, LENGTH, "bridge_vlan_info");
            return new BridgeVlanInfo(p.getShort(0) & 0xffff, p.getShort(2) & 0xffff);
        }
    }

    private static void check(ByteBuffer p, int length, String name) {
        if (p.limit() < length) {
            throw new NetlinkParseException(name + " needs " + length + " bytes; the message has " + p.limit());
        }
    }
}
