package io.vmnetd.daemon.probe.net;

import java.util.Optional;

/**
 * Whole Ethernet frames in and out of one interface: what the DHCP, ARP and ICMP exchanges talk through. The
 * product's is the probe's packet socket; frames this host sent itself are never received.
 */
public interface FrameChannel extends AutoCloseable {

    void send(byte[] frame);

    /** The next frame received before {@code deadline}, or empty once it has passed. */
    Optional<byte[]> receive(Deadline deadline);

    @Override
    void close();
}
