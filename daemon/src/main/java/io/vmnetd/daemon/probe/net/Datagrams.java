package io.vmnetd.daemon.probe.net;

import java.util.Optional;

/**
 * IPv4 datagrams in and out of one interface: what the DHCP and ICMP exchanges talk through. The product's are the
 * probe's kernel sockets bound to its interface: UDP (the data is the UDP payload) or raw ICMP (the data received is
 * the whole IPv4 packet, the data sent the ICMP message).
 */
public interface Datagrams extends AutoCloseable {

    /** A datagram received, and the address it came from. */
    record Datagram(Ipv4Address source, byte[] data) {}

    /** Sends {@code data} to {@code destination}; {@code port} is the UDP port (ignored by a raw socket). */
    void send(Ipv4Address destination, int port, byte[] data);

    /** The next datagram received before {@code deadline}, or empty once it has passed. */
    Optional<Datagram> receive(Deadline deadline);

    @Override
    void close();
}
