package io.vmnetd.daemon.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vmnetd.daemon.config.HostPort;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The daemon's HTTP/1.1 + JSON API on a Unix socket, and optionally /metrics on TCP. Starting it claims the socket
 * path (lock, stale socket, ownership); closing it gives the path back.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());
    private static final int EVENT_LOOP_THREADS = 2;
    private static final int SUN_PATH_MAX = 107;
    private static final long WORKER_DRAIN_SECONDS = 5;

    private final SocketFile socketFile;
    private final EventLoopGroup eventLoops;
    private final ThreadPoolExecutor workers;
    private final Channel unixServer;
    private final Optional<Channel> tcpServer;

    private ApiServer(SocketFile socketFile, EventLoopGroup eventLoops, ThreadPoolExecutor workers,
            Channel unixServer, Optional<Channel> tcpServer) {
        this.socketFile = socketFile;
        this.eventLoops = eventLoops;
        this.workers = workers;
        this.unixServer = unixServer;
        this.tcpServer = tcpServer;
    }

    public static ApiServer start(Path socket, String group, DaemonApi api) throws ApiStartException {
        return start(socket, group, api, ApiServerOptions.defaults());
    }

    /**
     * @param group the configuration's {@code socketGroup}: owns the socket and may use the API besides root
     * @throws ApiStartException when the path is taken by another daemon, the group does not exist, or binding fails
     */
    public static ApiServer start(Path socket, String group, DaemonApi api, ApiServerOptions options)
            throws ApiStartException {
        if (!Epoll.isAvailable()) {
            throw new ApiStartException("netty's epoll transport is unavailable", Epoll.unavailabilityCause());
        }
        if (socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length > SUN_PATH_MAX) {
            throw new ApiStartException("socket path " + socket + " is longer than the " + SUN_PATH_MAX
                    + " bytes a Unix socket address can hold");
        }
        int gid = options.groups().group(group)
                .orElseThrow(() -> new ApiStartException("socketGroup \"" + group + "\" does not exist; create the"
                        + " group or set socketGroup to an existing one (root if only root should use the API)"))
                .gid();
        SocketFile socketFile = SocketFile.claim(socket);
        EventLoopGroup eventLoops = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS,
                new DefaultThreadFactory("vmnetd-api-io", true), EpollIoHandler.newFactory());
        ThreadPoolExecutor workers = new ThreadPoolExecutor(options.workerThreads(), options.workerThreads(),
                60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(options.queueCapacity()),
                new DefaultThreadFactory("vmnetd-api-worker", true));
        workers.allowCoreThreadTimeOut(true);
        Channel unixServer = null;
        try {
            CallerAuthorizer authorizer = new CallerAuthorizer(group, options.adminGroup(), options.groups());
            ApiRoutes fullRoutes = ApiRoutes.full(api);
            unixServer = bind(new ServerBootstrap().channel(EpollServerDomainSocketChannel.class),
                    eventLoops, options, fullRoutes, workers, Optional.of(authorizer),
                    new DomainSocketAddress(socket.toFile()), "API socket " + socket);
            socketFile.restrictTo(gid);
            Optional<Channel> tcpServer = Optional.empty();
            if (options.metricsListen().isPresent()) {
                HostPort listen = options.metricsListen().get();
                tcpServer = Optional.of(bind(new ServerBootstrap().channel(EpollServerSocketChannel.class),
                        eventLoops, options, ApiRoutes.metricsOnly(api), workers, Optional.empty(),
                        listen.toSocketAddress(), "metrics listener " + listen));
            }
            ApiServer server = new ApiServer(socketFile, eventLoops, workers, unixServer, tcpServer);
            LOG.info("API listening on " + socket + " (group " + group + ")"
                    + tcpServer.map(c -> "; metrics on " + c.localAddress()).orElse(""));
            return server;
        } catch (ApiStartException | RuntimeException e) {
            if (unixServer != null) {
                unixServer.close().syncUninterruptibly();
            }
            shutdown(eventLoops, workers);
            socketFile.close();
            throw e;
        }
    }

    /** The socket path the API serves. */
    public Path socket() {
        return socketFile.socket();
    }

    /** Where the TCP metrics listener actually listens (resolved, with the real port). */
    public Optional<InetSocketAddress> metricsAddress() {
        return tcpServer.map(channel -> (InetSocketAddress) channel.localAddress());
    }

    /**
     * Stops accepting, removes the socket so that CNI shims wait for the next daemon rather than talk to a dying
     * one, lets running calls finish for a few seconds, then releases the lock.
     */
    @Override
    public void close() {
        unixServer.close().syncUninterruptibly();
        tcpServer.ifPresent(channel -> channel.close().syncUninterruptibly());
        socketFile.close();
        shutdown(eventLoops, workers);
        LOG.info("API on " + socketFile.socket() + " closed");
    }

    private static Channel bind(ServerBootstrap bootstrap, EventLoopGroup eventLoops, ApiServerOptions options,
            ApiRoutes routes, ThreadPoolExecutor workers, Optional<CallerAuthorizer> authorizer,
            java.net.SocketAddress address, String what) throws ApiStartException {
        bootstrap.group(eventLoops).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(
                        new RequestDeadlineHandler(options.requestTimeout()),
                        new HttpServerCodec(),
                        new BoundedBodyAggregator(),
                        new ApiRequestHandler(routes, workers, authorizer));
            }
        });
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            throw new ApiStartException("cannot open " + what + ": " + e.getMessage(), e);
        }
    }

    private static void shutdown(EventLoopGroup eventLoops, ThreadPoolExecutor workers) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(WORKER_DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("API calls still running after " + WORKER_DRAIN_SECONDS + " s; abandoning them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
