package io.vmnetd.daemon.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * "Can the API answer?", asked the way a client would: a GET /readyz over the socket (accept, event loop, HTTP, an
 * API worker: the real path) and, at the same time, a no-op through the CNI pool that must find a free worker. The
 * systemd watchdog is fed only when both succeed within the deadline; a daemon whose CNI workers are all stuck on
 * hung IPAM plugins fails the second, one whose event loops or API workers are wedged the first.
 */
final class ApiProbe {

    private static final Logger LOG = Logger.getLogger(ApiProbe.class.getName());
    private static final byte[] READYZ = "GET /readyz HTTP/1.1\r\nHost: vmnetd\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ANSWER = 64 * 1024;

    private final Path socket;
    private final WorkerPool cni;
    private final RateLimitedLog failures = new RateLimitedLog(LOG);

    ApiProbe(Path socket, WorkerPool cni) {
        this.socket = socket;
        this.cni = cni;
    }

    boolean answers(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        CountDownLatch cniWorkerFree = new CountDownLatch(1);
        boolean queued = cni.submitProbe(cniWorkerFree::countDown);
        String http = readyz(end);
        if (!http.isEmpty()) {
            failures.warning("watchdog probe: the API socket did not answer GET /readyz within "
                    + deadline.toMillis() + " ms: " + http);
            return false;
        }
        try {
            long left = Math.max(0, end - System.nanoTime());
            if (!queued || !cniWorkerFree.await(left, TimeUnit.NANOSECONDS)) {
                failures.warning("watchdog probe: no CNI worker freed up within " + deadline.toMillis() + " ms ("
                        + cni.load() + ")");
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** Empty when /readyz was answered by the daemon (ready or not), else what went wrong. */
    private String readyz(long endNanos) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            boolean connected = channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(READYZ);
            ByteBuffer in = ByteBuffer.allocate(4096);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            SelectionKey key = channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT);
            while (true) {
                long left = endNanos - System.nanoTime();
                if (left <= 0) {
                    return "timed out";
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                if (channel.isConnectionPending() && channel.finishConnect()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                }
                if (channel.isConnected() && out.hasRemaining()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (channel.isConnected()) {
                    int n = channel.read(in);
                    if (n < 0) {
                        break;
                    }
                    answer.write(in.array(), 0, in.position());
                    in.clear();
                    if (answer.size() > MAX_ANSWER) {
                        return "answer too long";
                    }
                }
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            // Ready or not, /readyz ran on an API worker; "busy" (the API queue full) is no answer.
            return text.startsWith("HTTP/1.1 ") && text.contains("\"ready\":") ? "" : "unexpected answer: "
                    + text.lines().findFirst().orElse("(nothing)");
        } catch (IOException e) {
            return e.toString();
        }
    }
}
