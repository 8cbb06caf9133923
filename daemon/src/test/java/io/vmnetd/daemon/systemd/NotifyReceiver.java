package io.vmnetd.daemon.systemd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/** Plays systemd's side of NOTIFY_SOCKET: a bound datagram socket that collects what the daemon sends. */
final class NotifyReceiver implements AutoCloseable {

    private final UnixDatagramChannel channel;

    /** @param address a path, or "\0name" for the abstract namespace */
    NotifyReceiver(String address) throws IOException {
        channel = UnixDatagramChannel.open();
        channel.bind(new UnixSocketAddress(address));
        channel.configureBlocking(false);
    }

    /** The next datagram, or null if none arrives within {@code timeout}. */
    String receive(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (System.nanoTime() < deadline) {
            try {
                if (channel.receive(buffer) != null || buffer.position() > 0) {
                    buffer.flip();
                    return StandardCharsets.UTF_8.decode(buffer).toString();
                }
            } catch (IOException e) {
                // jnr reports an empty non-blocking socket as EAGAIN rather than returning null
                if (!String.valueOf(e.getMessage()).contains("temporarily unavailable")) {
                    throw e;
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
