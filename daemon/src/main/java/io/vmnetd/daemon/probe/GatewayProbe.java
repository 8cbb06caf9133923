package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.dhcp.Backoff;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.daemon.probe.net.Ipv4Packet;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.Neighbour;
import io.vmnetd.netlink.NeighbourParameters;
import io.vmnetd.netlink.NeighbourState;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.sys.Native;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asks a gateway whether it is there, from the probe's interface in the probe's namespace, through the kernel. ARP:
 * the kernel resolves the address as it would for a packet waiting to go there (a neighbour entry made with
 * NTF_USE), sending its requests {@link #ARP_RETRANSMIT} apart; while the interface has no address their sender IP
 * is 0.0.0.0, which makes them RFC 5227 probes: no ARP cache on the VLAN learns anything. ICMP echo, when asked:
 * from a borrowed source address put on the interface, so that the kernel answers the gateway's ARP for it as its
 * owner would and hands the reply to a raw ICMP socket.
 */
final class GatewayProbe {
    /** The wait between ARP requests: a gateway that is there answers within milliseconds. */
    static final Duration ARP_RETRANSMIT = Duration.ofMillis(500);
    private static final int ARP_REQUESTS = 6;
    private static final long POLL_MILLIS = 10;
    private static final byte[] ECHO_DATA = "vmnetd connectivity probe".getBytes(StandardCharsets.US_ASCII);

    private final RtNetlink rtnl;
    private final Link link;
    private int arpSent;
    private int echoSent;

    /**
     * A probe from {@code link} of the namespace {@code rtnl} works in. Sets the link's ARP parameters: broadcast
     * requests only (no unicast ones, none handed to a user-space daemon), {@link #ARP_RETRANSMIT} apart.
     */
    GatewayProbe(RtNetlink rtnl, Link link) {
        this.rtnl = rtnl;
        this.link = link;
        rtnl.neighbours().setParameters(Native.AF_INET, link.index(), NeighbourParameters.create()
                .retransmitTime(ARP_RETRANSMIT).multicastProbes(ARP_REQUESTS).unicastProbes(0).applicationProbes(0));
    }

    int arpSent() {
        return arpSent;
    }

    int echoSent() {
        return echoSent;
    }

    /**
     * Resolves {@code target} until it answers (its MAC) or {@code deadline} passes (empty); a resolution that
     * failed before the deadline is started again.
     */
    Optional<MacAddress> arp(Ipv4Address target, Deadline deadline) {
        InetAddress address = inet(target);
        int earlierRounds = 0;
        rtnl.neighbours().resolve(link.index(), address);
        while (true) {
            Optional<Neighbour> entry = rtnl.neighbours().find(link.index(), address);
            int probes = entry.map(Neighbour::probes).orElse(0);
            arpSent = Math.max(arpSent, earlierRounds + probes);
            Optional<MacAddress> answered = entry.filter(n -> n.state().isResolved()).flatMap(Neighbour::mac);
            if (answered.isPresent()) {
                return answered;
            }
            if (deadline.passed()) {
                return Optional.empty();
            }
            if (entry.map(Neighbour::state).filter(s -> s == NeighbourState.FAILED).isPresent()) {
                earlierRounds += probes;
                rtnl.neighbours().resolve(link.index(), address);
            } else {
                sleep(Math.min(POLL_MILLIS, deadline.remainingMillis()));
            }
        }
    }

    /** Forgets what {@link #arp} learnt of {@code target}, so that a later use of the address starts afresh. */
    void forget(Ipv4Address target) {
        rtnl.neighbours().deleteIfExists(link.index(), inet(target));
    }

    /**
     * Puts {@code source}/{@code prefixLength} on the interface and sends echo requests from it to {@code gateway}
     * until one is answered (the round trip) or {@code deadline} passes (empty). The address stays: the probe's
     * namespace, and the interface with it, are gone when the check ends.
     */
    Optional<Duration> ping(Ipv4Address source, int prefixLength, Ipv4Address gateway, Backoff backoff,
                            Deadline deadline) {
        rtnl.addresses().add(link.name(), new IpPrefix(inet(source), prefixLength));
        int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
        try (IcmpSocket icmp = IcmpSocket.open(link.name(), source)) {
            for (int attempt = 0; !deadline.passed(); attempt++) {
                byte[] request = Ipv4Packet.echo(source, gateway, false, id, attempt + 1, ECHO_DATA).payload();
                long sentAt = System.nanoTime();
                icmp.send(gateway, request);
                echoSent++;
                Deadline until = deadline.within(backoff.delay(attempt));
                while (true) {
                    Optional<byte[]> received = icmp.receive(until);
                    if (received.isEmpty()) {
                        break;
                    }
                    // A raw socket gets every ICMP packet the interface takes in, each with its IPv4 header.
                    if (Ipv4Packet.decode(received.get())
                            .filter(p -> p.source().equals(gateway) && p.destination().equals(source)
                                    && p.isEchoReply(id))
                            .isPresent()) {
                        return Optional.of(Duration.ofNanos(System.nanoTime() - sentAt));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static InetAddress inet(Ipv4Address address) {
        return IpPrefix.parseAddress(address.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeException("interrupted");
        }
    }
}
