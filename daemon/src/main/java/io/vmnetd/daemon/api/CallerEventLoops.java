package io.vmnetd.daemon.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The Unix socket's event loops, one thread each: one accepts, one serves root's connections, one everyone else's.
 * A connection is placed by its peer's uid (SO_PEERCRED) as it is accepted, so a socket-group member streaming large
 * bodies over many connections never delays root's (the CNI shim's) requests on the same thread; and the connection
 * caps are checked right there, so a refused connection is closed by the accepting thread at once, never registered,
 * and never waits, holding a descriptor, behind a busy loop.
 */
final class CallerEventLoops extends MultiThreadIoEventLoopGroup {

    /** Who is on the other end, read once as the connection is accepted. */
    static final AttributeKey<Caller> CALLER = AttributeKey.valueOf("vmnetd.caller");
    private static final Logger LOG = Logger.getLogger(CallerEventLoops.class.getName());

    private final ConnectionGate gate;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG);
    private final EventLoop acceptor;
    private final EventLoop root;
    private final EventLoop others;

    CallerEventLoops(ConnectionGate gate) {
        super(3, new DefaultThreadFactory("vmnetd-api-io", true), EpollIoHandler.newFactory());
        this.gate = gate;
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : this) {
            loops.add((EventLoop) executor);
        }
        this.acceptor = loops.get(0);
        this.root = loops.get(1);
        this.others = loops.get(2);
    }

    @Override
    public ChannelFuture register(Channel channel) {
        if (channel instanceof ServerChannel || !(channel instanceof EpollDomainSocketChannel unix)) {
            return acceptor.register(channel);
        }
        Caller caller;
        try {
            PeerCredentials credentials = unix.peerCredentials();
            int[] gids = credentials.gids();
            caller = new Caller(credentials.pid(), credentials.uid(), gids.length > 0 ? gids[0] : -1);
        } catch (IOException e) {
            return refuse(channel, "cannot read the peer credentials of a new API connection: " + e.getMessage());
        }
        Optional<String> refused = gate.admit(caller.uid());
        if (refused.isPresent()) {
            return refuse(channel, "closed a new API connection of pid " + caller.pid() + " (uid " + caller.uid()
                    + "): " + refused.get());
        }
        channel.attr(CALLER).set(caller);
        channel.closeFuture().addListener(closed -> gate.release(caller.uid()));
        return (caller.uid() == 0 ? root : others).register(channel);
    }

    /**
     * Closes a connection that was just accepted, on the accepting thread and before it is registered anywhere: the
     * cheapest way out, which matters when a flood makes thousands a second. Reported to the acceptor as done, so
     * that netty does not log each one as a failed registration.
     */
    private ChannelFuture refuse(Channel channel, String why) {
        refusals.warning(why);
        channel.unsafe().closeForcibly();
        return new DefaultChannelPromise(channel, acceptor).setSuccess();
    }
}
