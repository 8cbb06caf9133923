package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.NetlinkSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A handle on rtnetlink in one network namespace: the entry point to {@link Links}, {@link BridgeVlans},
 * {@link Addresses}, {@link Routes} and {@link Neighbours}.
 *
 * <p><b>Thread-safety:</b> a handle may be shared by any number of threads, and each request gets its own reply.
 * A handle opened with a number of sockets runs that many requests at once; otherwise requests take turns on its one
 * socket. A handle opened for another namespace keeps working there for its whole life without any thread ever
 * staying in that namespace.
 */
public final class RtNetlink implements AutoCloseable {
    private final Connection connection;
    private final Connection.Observer observer;
    private final Links links;
    private final BridgeVlans bridgeVlans;
    private final Addresses addresses;
    private final Routes routes;
    private final Neighbours neighbours;

    private RtNetlink(Connection connection, Connection.Observer observer) {
        this.connection = connection;
        this.observer = observer;
        this.links = new Links(connection);
        this.bridgeVlans = new BridgeVlans(connection, links);
        this.addresses = new Addresses(connection, links);
        this.routes = new Routes(connection);
        this.neighbours = new Neighbours(connection);
    }

    /** A handle on the calling thread's namespace. */
    public static RtNetlink open() {
        return open(Connection.Observer.NONE);
    }

    public static RtNetlink open(Connection.Observer observer) {
        return new RtNetlink(new Connection(NetlinkSocket.open(), observer), observer);
    }

    /**
     * A handle on the calling thread's namespace for many threads: {@code sockets} requests at once, each on a socket
     * of its own.
     */
    public static RtNetlink open(Connection.Observer observer, int sockets) {
        return new RtNetlink(new Connection(openSockets(sockets), observer), observer);
    }

    /** Like {@link #open(Connection.Observer, int)}, for the namespace at {@code path}. */
    public static RtNetlink openIn(Path path, Connection.Observer observer, int sockets) {
        try (NetNs ns = NetNs.open(path)) {
            return new RtNetlink(new Connection(ns.execute(() -> openSockets(sockets)), observer), observer);
        }
    }

    private static List<NetlinkSocket> openSockets(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("sockets must be at least 1, not " + count);
        }
        List<NetlinkSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(NetlinkSocket.open());
            }
            return sockets;
        } catch (RuntimeException e) {
            sockets.forEach(NetlinkSocket::close);
            throw e;
        }
    }

    /** A handle on another namespace; the caller keeps ownership of {@code ns}. */
    public static RtNetlink openIn(NetNs ns) {
        return openIn(ns, Connection.Observer.NONE);
    }

    public static RtNetlink openIn(NetNs ns, Connection.Observer observer) {
        // The socket is bound to the namespace it was created in, so creating it there is all it takes.
        return new RtNetlink(new Connection(ns.<NetlinkSocket>execute(NetlinkSocket::open), observer), observer);
    }

    /** A handle on the namespace at {@code path} (/run/netns/NAME, /proc/PID/ns/net). */
    public static RtNetlink openIn(Path path) {
        try (NetNs ns = NetNs.open(path)) {
            return openIn(ns);
        }
    }

    /** Who counts this handle's requests: a handle opened for the same work in another namespace is counted alike. */
    public Connection.Observer observer() {
        return observer;
    }

    public Links links() {
        return links;
    }

    public BridgeVlans bridgeVlans() {
        return bridgeVlans;
    }

    public Addresses addresses() {
        return addresses;
    }

    public Routes routes() {
        return routes;
    }

    public Neighbours neighbours() {
        return neighbours;
    }

    @Override
    public void close() {
        connection.close();
    }
}
