package io.vmnetd.daemon.dhcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Optional;

/** Where a {@link DhcpClient} sends its requests and hears the replies: {@link DhcpSocket} on a node. */
public interface Transport extends AutoCloseable {
    /** Sends {@code message} to port 67 of {@code to} (a server, or the limited broadcast address). */
    void send(DhcpMessage message, Inet4Address to) throws IOException;

    /** The next server reply, if one comes within {@code timeout}. */
    Optional<DhcpMessage> receive(Duration timeout) throws IOException;

    @Override
    void close();
}
