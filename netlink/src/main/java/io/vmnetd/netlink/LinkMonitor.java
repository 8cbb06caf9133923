package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.NetlinkSocket;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches RTNLGRP_LINK and hands decoded events to a listener, in order, on the monitor's own thread. When the
 * kernel drops events because the listener fell behind, the listener gets {@link LinkEvent.Type#RESYNC_NEEDED}
 * rather than a silent gap. Close to stop; close is thread-safe and waits for the thread to end.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LinkMonitor.class.getName());
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    private static final int POLL_MILLIS = 100;

    private final NetlinkSocket socket;
    private final Consumer<LinkEvent> listener;
    private final Thread thread;
    private volatile boolean running = true;

    private LinkMonitor(NetlinkSocket socket, Consumer<LinkEvent> listener) {
        this.socket = socket;
        this.listener = listener;
        socket.trySetOption(Native.SOL_SOCKET, Native.SO_RCVBUFFORCE, RECEIVE_BUFFER_BYTES);
        this.thread = new Thread(this::run, "link-monitor");
        this.thread.setDaemon(true);
    }

    /** Starts watching the calling thread's namespace. Events that happen after this returns are all seen. */
    public static LinkMonitor start(Consumer<LinkEvent> listener) {
        LinkMonitor m = new LinkMonitor(NetlinkSocket.open(Rtnl.RTNLGRP_LINK), listener);
        m.thread.start();
        return m;
    }

    public static LinkMonitor start(NetNs ns, Consumer<LinkEvent> listener) {
        LinkMonitor m = new LinkMonitor(ns.execute(() -> NetlinkSocket.open(Rtnl.RTNLGRP_LINK)), listener);
        m.thread.start();
        return m;
    }

    private void run() {
        while (running) {
            try {
                if (!socket.awaitReadable(POLL_MILLIS)) {
                    continue;
                }
                for (Message m : Message.parseAll(socket.receive())) {
                    decode(m).ifPresent(this::deliver);
                }
            } catch (NetlinkException e) {
                if (e.is(Errno.ENOBUFS)) {
                    deliver(LinkEvent.resyncNeeded());
                } else if (running) {
                    LOG.log(Level.WARNING, "link monitor: " + e.getMessage());
                    deliver(LinkEvent.resyncNeeded());
                }
            } catch (NetlinkParseException e) {
                LOG.log(Level.WARNING, "link monitor: undecodable event: " + e.getMessage());
                deliver(LinkEvent.resyncNeeded());
            }
        }
    }

    static Optional<LinkEvent> decode(Message m) {
        if (m.type() != Rtnl.RTM_NEWLINK && m.type() != Rtnl.RTM_DELLINK) {
            return Optional.empty();
        }
        boolean added = m.type() == Rtnl.RTM_NEWLINK;
        if (m.payload().limit() > 0 && m.payload().get(0) == Native.AF_BRIDGE) {
            PortVlans port = BridgeVlans.decodePort(m);
            Optional<Link.BridgePort> settings = m.attributes(IfInfoMsg.LENGTH).get(Ifla.PROTINFO)
                    .map(Attribute::nested).map(LinkCodec::decodePort);
            return Optional.of(new LinkEvent(added ? LinkEvent.Type.PORT_UPDATED : LinkEvent.Type.PORT_REMOVED,
                    Optional.empty(), Optional.of(port), settings));
        }
        Link link = LinkCodec.decode(m);
        return Optional.of(new LinkEvent(added ? LinkEvent.Type.LINK_UPDATED : LinkEvent.Type.LINK_DELETED,
                Optional.of(link), Optional.empty(), Optional.empty()));
    }

    private void deliver(LinkEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "link monitor listener failed on " + event.type(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        socket.close();
    }
}
