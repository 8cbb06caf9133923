package io.vmnetd.daemon.probe.net;

import io.vmnetd.netlink.MacAddress;
import java.util.Arrays;
import java.util.Optional;

/** An ARP message for IPv4 over Ethernet (RFC 826). */
public record ArpPacket(int operation, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac,
                        Ipv4Address targetIp) {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    private static final MacAddress ZERO = MacAddress.of(new byte[6]);
    private static final int LENGTH = 28;

    /**
     * An RFC 5227 ARP probe for {@code target}: a request whose sender IP is 0.0.0.0, so that nobody's ARP cache
     * learns anything from it and the prober needs no address. A host owning {@code target} answers it.
     */
    public static ArpPacket probe(MacAddress mine, Ipv4Address target) {
        return new ArpPacket(REQUEST, mine, Ipv4Address.ANY, ZERO, target);
    }

    /** The answer to {@code request} from {@code mine}, the owner of its target address. */
    public static ArpPacket replyTo(ArpPacket request, MacAddress mine) {
        return new ArpPacket(REPLY, mine, request.targetIp, request.senderMac, request.senderIp);
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[1] = 1; // hardware: Ethernet
        b[2] = 0x08; // protocol: IPv4
        b[4] = 6;
        b[5] = 4;
        b[7] = (byte) operation;
        System.arraycopy(senderMac.bytes(), 0, b, 8, 6);
        senderIp.write(b, 14);
        System.arraycopy(targetMac.bytes(), 0, b, 18, 6);
        targetIp.write(b, 24);
        return b;
    }

    /** The ARP message for IPv4 over Ethernet in {@code b}, or empty when it is none. */
    public static Optional<ArpPacket> decode(byte[] b) {
        if (b.length < LENGTH || b[0] != 0 || b[1] != 1 || b[2] != 0x08 || b[3] != 0 || b[4] != 6 || b[5] != 4) {
            return Optional.empty();
        }
        return Optional.of(new ArpPacket((b[6] & 0xff) << 8 | b[7] & 0xff, MacAddress.of(Arrays.copyOfRange(b, 8, 14)),
                Ipv4Address.of(b, 14), MacAddress.of(Arrays.copyOfRange(b, 18, 24)), Ipv4Address.of(b, 24)));
    }

    /** This message in a broadcast (request) or unicast (reply) frame from {@code senderMac}. */
    public EthernetFrame frame() {
        MacAddress destination = operation == REQUEST ? EthernetFrame.BROADCAST : targetMac;
        return new EthernetFrame(destination, senderMac, EthernetFrame.ARP, encode());
    }
}
