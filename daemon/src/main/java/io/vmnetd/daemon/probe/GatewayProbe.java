package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.probe.net.ArpPacket;
import io.vmnetd.daemon.probe.net.Backoff;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.EthernetFrame;
import io.vmnetd.daemon.probe.net.FrameChannel;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.daemon.probe.net.Ipv4Packet;
import io.vmnetd.netlink.MacAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asks a gateway whether it is there, from an interface that has no address: ARP probes (RFC 5227, sender IP
 * 0.0.0.0, so no ARP cache on the VLAN learns anything) and, when asked, ICMP echo requests from a borrowed source
 * address, answering the gateway's ARP for that address meanwhile as its owner would.
 */
final class GatewayProbe {
    private static final byte[] ECHO_DATA = "vmnetd connectivity probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final FrameChannel channel;
    private final MacAddress mac;
    private int arpSent;
    private int echoSent;

    GatewayProbe(FrameChannel channel, MacAddress mac) {
        this.channel = channel;
        this.mac = mac;
    }

    int arpSent() {
        return arpSent;
    }

    int echoSent() {
        return echoSent;
    }

    /** Probes {@code target} until it answers (its MAC) or {@code deadline} passes (empty). */
    Optional<MacAddress> arp(Ipv4Address target, Backoff backoff, Deadline deadline) {
        byte[] probe = ArpPacket.probe(mac, target).frame().encode();
        for (int attempt = 0; !deadline.passed(); attempt++) {
            channel.send(probe);
            arpSent++;
            Deadline until = deadline.within(backoff.delay(attempt));
            while (true) {
                Optional<byte[]> frame = channel.receive(until);
                if (frame.isEmpty()) {
                    break;
                }
                Optional<ArpPacket> arp = arp(frame.get())
                        .filter(a -> a.operation() == ArpPacket.REPLY && a.senderIp().equals(target));
                if (arp.isPresent()) {
                    return Optional.of(arp.get().senderMac());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Sends echo requests from {@code source} to {@code gateway} at {@code gatewayMac} until one is answered (the
     * round trip) or {@code deadline} passes (empty).
     */
    Optional<Duration> ping(Ipv4Address source, Ipv4Address gateway, MacAddress gatewayMac, Backoff backoff,
                            Deadline deadline) {
        int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
        for (int attempt = 0; !deadline.passed(); attempt++) {
            Ipv4Packet request = Ipv4Packet.echo(source, gateway, false, id, attempt + 1, ECHO_DATA);
            long sentAt = System.nanoTime();
            channel.send(new EthernetFrame(gatewayMac, mac, EthernetFrame.IPV4, request.encode()).encode());
            echoSent++;
            Deadline until = deadline.within(backoff.delay(attempt));
            while (true) {
                Optional<byte[]> bytes = channel.receive(until);
                if (bytes.isEmpty()) {
                    break;
                }
                Optional<EthernetFrame> frame = EthernetFrame.decode(bytes.get());
                if (frame.isEmpty()) {
                    continue;
                }
                if (frame.get().etherType() == EthernetFrame.ARP) {
                    answerArpFor(source, frame.get());
                } else if (frame.get().etherType() == EthernetFrame.IPV4 && Ipv4Packet.decode(frame.get().payload())
                        .filter(p -> p.source().equals(gateway) && p.destination().equals(source) && p.isEchoReply(id))
                        .isPresent()) {
                    return Optional.of(Duration.ofNanos(System.nanoTime() - sentAt));
                }
            }
        }
        return Optional.empty();
    }

    /** The gateway resolves our borrowed address before it replies: answer as its owner. */
    private void answerArpFor(Ipv4Address source, EthernetFrame frame) {
        ArpPacket.decode(frame.payload())
                .filter(a -> a.operation() == ArpPacket.REQUEST && a.targetIp().equals(source) && !a.senderIp().isAny())
                .ifPresent(request -> channel.send(ArpPacket.replyTo(request, mac).frame().encode()));
    }

    private static Optional<ArpPacket> arp(byte[] bytes) {
        return EthernetFrame.decode(bytes).filter(f -> f.etherType() == EthernetFrame.ARP)
                .flatMap(f -> ArpPacket.decode(f.payload()));
    }
}
