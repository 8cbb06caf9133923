package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.dhcp.Backoff;
import io.vmnetd.daemon.dhcp.DhcpClient;
import io.vmnetd.daemon.dhcp.DhcpMessage;
import io.vmnetd.daemon.dhcp.DhcpSocket;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One check of one VM network from inside its VLAN, top to bottom: a throwaway namespace and port on the VLAN;
 * in auto mode a DHCP DISCOVER whose OFFER gives CIDR and gateway (the node's one {@link DhcpClient}, on a socket
 * opened inside the namespace; no REQUEST is ever sent: no lease is taken); ARP probes of the gateway; ICMP echo
 * when the route asks. All of it through the kernel's own IPv4 (a UDP socket, ARP resolution asked for over
 * netlink, a raw ICMP socket), never whole frames: the unit allows no packet sockets. Everything it made is gone
 * when it returns. All waits fit in {@code timeout}, counted once the port is ready (setting it up is bounded on its
 * own: carrier within 2 s, forwarding within 2 s): DHCP ends by 60% of it (servers that ping an address before
 * offering it answer late: ISC dhcpd after 1 s, dnsmasq after up to 3 s), ARP and echo each take up to
 * {@link #PHASE_LIMIT} of the rest.
 */
public final class ConnectivityCheck {
    /** RFC 2131 retransmits from 4 s up; a probe bounded by seconds starts faster and backs off the same way. */
    static final Backoff DHCP_BACKOFF = new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(4), 0.1);
    static final Backoff ECHO_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(1), 0.1);
    /** How long a borrowed source address must stay unanswered before the probe uses it. */
    private static final Duration SOURCE_IN_USE_WAIT = Duration.ofMillis(600);
    /** A gateway that is there answers ARP and echo within milliseconds: a few retries in this time are enough. */
    static final Duration PHASE_LIMIT = Duration.ofSeconds(3);
    private static final Duration LINK_READY_WAIT = Duration.ofSeconds(2);

    private final ProbePorts ports;
    private final ProbeIdentity identity;
    private final Duration timeout;

    public ConnectivityCheck(ProbePorts ports, ProbeIdentity identity, Duration timeout) {
        this.ports = ports;
        this.identity = identity;
        this.timeout = timeout;
    }

    /** Checks {@code target} now; never throws: a failure is the {@code error} state with its reason. */
    public Connectivity run(ProbeTarget target) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        Outcome outcome;
        if (target.route().mode() == Route.Mode.MANUAL
                && Ipv4Address.parse(target.route().gateway().orElseThrow()).isEmpty()) {
            return Connectivity.unchecked(ConnectivityState.NOT_APPLICABLE,
                    "IPv6 routes are not checked: the probe speaks ARP and DHCPv4");
        }
        try {
            outcome = ProbeNamespace.run(target.vmNetwork(), ns -> probe(target, ns));
        } catch (ProbeException e) {
            outcome = new Outcome(ConnectivityState.ERROR, Optional.empty(), Optional.empty(), e.getMessage());
        } catch (RuntimeException e) {
            outcome = new Outcome(ConnectivityState.ERROR, Optional.empty(), Optional.empty(),
                    e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return new Connectivity(outcome.state(), Optional.of(at), Duration.ofNanos(System.nanoTime() - start),
                outcome.cidr(), outcome.gateway().map(Ipv4Address::toString), Optional.of(outcome.reason()));
    }

    /** What DHCP taught: the subnet, or the outcome that ends the check. */
    private sealed interface Learned permits Subnet, Outcome {}

    private record Outcome(ConnectivityState state, Optional<String> cidr, Optional<Ipv4Address> gateway,
                           String reason) implements Learned {}

    /** What DHCP offered, or what the config says. */
    private record Subnet(Ipv4Address network, int prefixLength, Ipv4Address gateway, Optional<Ipv4Address> offered)
            implements Learned {
        String cidr() {
            return network + "/" + prefixLength;
        }

        boolean contains(Ipv4Address address) {
            return address.and(Ipv4Address.netmask(prefixLength)).equals(network);
        }
    }

    private Outcome probe(ProbeTarget target, NetNs ns) {
        MacAddress mac = identity.probeMac(target.vmNetwork());
        try (ProbePorts.ProbePort port = ports.attach(target, ns);
             RtNetlink inside = RtNetlink.open()) {
            Link link = awaitCarrier(inside);
            GatewayProbe gatewayProbe = new GatewayProbe(inside, link);
            // The clock starts once the port is ready, so that a slow set-up never eats the exchanges' time.
            Deadline deadline = Deadline.after(timeout);
            Learned learned = target.route().mode() == Route.Mode.AUTO
                    ? discover(link, mac, target, new Deadline(deadline.nanos() - timeout.toNanos() * 4 / 10))
                    : configured(target.route());
            if (learned instanceof Outcome end) {
                return end;
            }
            return checkGateway(gatewayProbe, target, (Subnet) learned, deadline);
        }
    }

    /** A manual route's subnet, validated as IPv4 (the IPv6 ones never get here). */
    private static Subnet configured(Route route) {
        String[] cidr = route.cidr().orElseThrow().split("/");
        return new Subnet(Ipv4Address.parse(cidr[0]).orElseThrow(), Integer.parseInt(cidr[1]),
                Ipv4Address.parse(route.gateway().orElseThrow()).orElseThrow(), Optional.empty());
    }

    private Link awaitCarrier(RtNetlink inside) {
        Deadline until = Deadline.after(LINK_READY_WAIT);
        while (true) {
            Link link = inside.links().get(ProbeIdentity.PROBE_IFNAME);
            if (link.isUp() && link.hasCarrier()) {
                return link;
            }
            if (until.passed()) {
                throw new ProbeException("the probe's interface got no carrier within " + LINK_READY_WAIT.toMillis()
                        + " ms");
            }
            sleep(5);
        }
    }

    /**
     * DISCOVER until the first OFFER or {@code deadline}. No client identifier is sent: the server knows the probe
     * by its MAC, which is stable per node and network.
     */
    private Learned discover(Link link, MacAddress mac, ProbeTarget target, Deadline deadline) {
        long start = System.nanoTime();
        Optional<DhcpMessage> reply;
        DhcpClient dhcp;
        // Opened by this thread, so inside the probe's namespace.
        try (DhcpSocket socket = DhcpSocket.open(link.name())) {
            dhcp = new DhcpClient(socket, mac.bytes(), Optional.empty(), Clock.systemUTC(), DHCP_BACKOFF,
                    Duration.ofNanos(Math.max(0, deadline.remainingNanos())));
            reply = dhcp.discover(Optional.empty());
        } catch (IOException e) {
            throw new ProbeException(e.getMessage(), e);
        }
        if (reply.isEmpty()) {
            return new Outcome(ConnectivityState.DHCP_FAILED, Optional.empty(), Optional.empty(),
                    "no DHCP OFFER on " + target.vlanName() + " to " + dhcp.sent() + " DISCOVERs in "
                            + millis(System.nanoTime() - start) + " ms");
        }
        DhcpMessage offer = reply.get();
        String server = offer.addressOption(DhcpMessage.OPT_SERVER_ID).map(Inet4Address::getHostAddress)
                .orElse("a server without an identifier (option 54)");
        Optional<Integer> prefix = offer.addressOption(DhcpMessage.OPT_SUBNET_MASK).map(ConnectivityCheck::ipv4)
                .flatMap(Ipv4Address::prefixLength);
        Optional<Ipv4Address> router = offer.addressOption(DhcpMessage.OPT_ROUTER).map(ConnectivityCheck::ipv4);
        Ipv4Address offered = ipv4(offer.yiaddr());
        if (prefix.isEmpty() || router.isEmpty() || offered.isAny()) {
            String missing = prefix.isEmpty() ? "a valid subnet mask (option 1)"
                    : router.isEmpty() ? "a router (option 3)" : "an address (yiaddr)";
            return new Outcome(ConnectivityState.ERROR, Optional.empty(), Optional.empty(),
                    "the DHCP OFFER from " + server + " has no " + missing + ": no gateway to check");
        }
        Ipv4Address network = offered.and(Ipv4Address.netmask(prefix.get()));
        return new Subnet(network, prefix.get(), router.get(), Optional.of(offered));
    }

    private static Ipv4Address ipv4(Inet4Address a) {
        return Ipv4Address.of(a.getAddress(), 0);
    }

    private Outcome checkGateway(GatewayProbe probe, ProbeTarget target, Subnet subnet, Deadline deadline) {
        Optional<String> cidr = Optional.of(subnet.cidr());
        Optional<Ipv4Address> gateway = Optional.of(subnet.gateway());
        long start = System.nanoTime();
        Optional<MacAddress> gatewayMac = probe.arp(subnet.gateway(), deadline.within(PHASE_LIMIT));
        if (gatewayMac.isEmpty()) {
            return new Outcome(ConnectivityState.INACTIVE, cidr, gateway, "gateway " + subnet.gateway()
                    + " did not answer " + probe.arpSent() + " ARP probes in " + millis(System.nanoTime() - start)
                    + " ms");
        }
        String found = "gateway " + subnet.gateway() + " answered ARP from " + gatewayMac.get();
        if (!target.route().ping()) {
            return new Outcome(ConnectivityState.ACTIVE, cidr, gateway, found);
        }
        Optional<Ipv4Address> source = target.route().pingFrom().flatMap(Ipv4Address::parse).or(subnet::offered);
        if (source.isEmpty()) {
            return new Outcome(ConnectivityState.ERROR, cidr, gateway, found + "; no source address to ping from");
        }
        if (!subnet.contains(source.get())) {
            return new Outcome(ConnectivityState.ERROR, cidr, gateway, found + "; pingFrom " + source.get()
                    + " is not inside the offered " + subnet.cidr());
        }
        Optional<MacAddress> owner = probe.arp(source.get(), deadline.within(SOURCE_IN_USE_WAIT));
        probe.forget(source.get());
        if (owner.isPresent()) {
            return new Outcome(ConnectivityState.ERROR, cidr, gateway, found + "; not pinging from " + source.get()
                    + ": it is in use by " + owner.get());
        }
        long pingStart = System.nanoTime();
        Optional<Duration> rtt = probe.ping(source.get(), subnet.prefixLength(), subnet.gateway(), ECHO_BACKOFF,
                deadline.within(PHASE_LIMIT));
        if (rtt.isEmpty()) {
            return new Outcome(ConnectivityState.INACTIVE, cidr, gateway, found + " but not " + probe.echoSent()
                    + " ICMP echo requests from " + source.get() + " in " + millis(System.nanoTime() - pingStart)
                    + " ms");
        }
        return new Outcome(ConnectivityState.ACTIVE, cidr, gateway, found + " and ICMP echo from " + source.get()
                + " in " + String.format(java.util.Locale.ROOT, "%.1f", rtt.get().toNanos() / 1e6) + " ms");
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
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
