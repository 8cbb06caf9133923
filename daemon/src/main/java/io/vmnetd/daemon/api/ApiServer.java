package io.vmnetd.daemon.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vmnetd.daemon.config.HostPort;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The daemon's HTTP/1.1 + JSON API on a Unix socket, and optionally /metrics on TCP. Starting it claims the socket
 * path (lock, stale socket, ownership); closing it gives the path back.
 *
 * <p>The two listeners share nothing but the cached scrape: the TCP listener has its own event loop thread, its own
 * connection cap and small header limits, takes no body and never uses an API worker. On the socket, connections
 * are capped per uid with room kept for root and served by root's own event loop or the others' (see
 * {@link CallerEventLoops}); CNI calls and other calls run on separate bounded pools; request bodies draw on one
 * budget. {@link ApiLimits} has the numbers.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());
    private static final int SUN_PATH_MAX = 107;
    private static final Duration WORKER_DRAIN = Duration.ofSeconds(5);
    /** Read buffers: what one read may take from a socket; with the codec's limits, what a connection can pin. */
    private static final int MAX_READ_BYTES = 16 * 1024;
    private static final int METRICS_READ_BYTES = 2048;
    /** Reads one connection gets per event-loop turn: a client streaming a large body yields to the others sooner. */
    private static final int READS_PER_TURN = 4;

    static {
        NettyProperties.apply(); // before the first Netty class initialises
    }

    private final SocketFile socketFile;
    private final EventLoopGroup eventLoops;
    private final Optional<EventLoopGroup> metricsLoop;
    private final ApiWorkers workers;
    private final ScrapeCache scrapes;
    private final ApiProbe probe;
    private Channel unixServer;
    private Optional<Channel> tcpServer = Optional.empty();

    private ApiServer(SocketFile socketFile, ApiServerOptions options, DaemonApi api) {
        this.socketFile = socketFile;
        ApiLimits limits = options.limits();
        this.eventLoops = new CallerEventLoops(ConnectionGate.forUnixSocket(limits));
        this.metricsLoop = options.metricsListen().map(listen -> new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("vmnetd-metrics-io", true), EpollIoHandler.newFactory()));
        this.workers = new ApiWorkers(new WorkerPool("vmnetd-cni-worker", limits.cniWorkers(), limits.cniQueue()),
                new WorkerPool("vmnetd-api-worker", limits.apiWorkers(), limits.apiQueue()),
                new BodyBudget(limits.bodyBudgetBytes()));
        this.scrapes = new ScrapeCache(api::metrics);
        this.probe = new ApiProbe(socketFile.socket(), workers.cni());
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
        GroupPrincipal socketGroup = SocketFile.lookUpGroup(group);
        SocketFile socketFile = SocketFile.claim(socket);
        ApiServer server = new ApiServer(socketFile, options, api);
        try {
            CallerAuthorizer authorizer = new CallerAuthorizer(group, options.adminGroup(), options.groups());
            server.unixServer = server.bindUnix(socket, options, ApiRoutes.full(api, server.scrapes::fresh),
                    authorizer);
            socketFile.restrictTo(socketGroup);
            if (options.metricsListen().isPresent()) {
                server.tcpServer = Optional.of(server.bindMetrics(options.metricsListen().get(), options));
            }
            LOG.info("API listening on " + socket + " (group " + group + ")"
                    + server.tcpServer.map(c -> "; metrics on " + c.localAddress()).orElse(""));
            return server;
        } catch (ApiStartException | RuntimeException e) {
            server.close();
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
     * Whether the API answers, through the path its clients take: GET /readyz over the socket is answered and a CNI
     * worker frees up, both within {@code deadline}. For the systemd watchdog; blocks up to {@code deadline}.
     */
    public boolean answers(Duration deadline) {
        return probe.answers(deadline);
    }

    /**
     * Stops accepting, removes the socket so that CNI shims wait for the next daemon rather than talk to a dying
     * one, lets running calls finish for a few seconds, then releases the lock.
     */
    @Override
    public void close() {
        if (unixServer != null) {
            unixServer.close().syncUninterruptibly();
        }
        tcpServer.ifPresent(channel -> channel.close().syncUninterruptibly());
        socketFile.close();
        drain(workers.cni());
        drain(workers.api());
        scrapes.close();
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        metricsLoop.ifPresent(loop -> loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        LOG.info("API on " + socketFile.socket() + " closed");
    }

    private Channel bindUnix(Path socket, ApiServerOptions options, ApiRoutes routes, CallerAuthorizer authorizer)
            throws ApiStartException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(eventLoops)
                .channel(EpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 1024, MAX_READ_BYTES)
                        .maxMessagesPerRead(READS_PER_TURN))
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel channel) {
                        // Admitted and placed by CallerEventLoops as it was accepted.
                        Caller caller = channel.attr(CallerEventLoops.CALLER).get();
                        channel.pipeline().addLast(
                                new RequestDeadlineHandler(options.requestTimeout()),
                                new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(4096).setMaxHeaderSize(8192).setMaxChunkSize(8192)),
                                new BoundedBodyAggregator(workers.budget(), caller.uid() == 0),
                                new ApiRequestHandler(routes, workers, Optional.of(authorizer), Optional.of(caller),
                                        options.requestTimeout()));
                    }
                });
        return bind(bootstrap, new DomainSocketAddress(socket.toFile()), "API socket " + socket);
    }

    private Channel bindMetrics(HostPort listen, ApiServerOptions options) throws ApiStartException {
        ApiLimits limits = options.limits();
        ConnectionGate gate = ConnectionGate.forMetrics(limits);
        RateLimitedLog refusals = new RateLimitedLog(LOG);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(metricsLoop.orElseThrow())
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(METRICS_READ_BYTES))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        Optional<String> refused = gate.admitAnonymous();
                        if (refused.isPresent()) {
                            refusals.warning("closed a new metrics connection from " + channel.remoteAddress() + ": "
                                    + refused.get());
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(closed -> gate.release(0));
                        channel.pipeline().addLast(
                                new RequestDeadlineHandler(limits.metricsRequestTimeout()),
                                new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(1024).setMaxHeaderSize(4096).setMaxChunkSize(1024)),
                                new MetricsHandler(scrapes, limits.metricsRequestTimeout()));
                    }
                });
        return bind(bootstrap, listen.toSocketAddress(), "metrics listener " + listen);
    }

    private static Channel bind(ServerBootstrap bootstrap, java.net.SocketAddress address, String what)
            throws ApiStartException {
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            throw new ApiStartException("cannot open " + what + ": " + e.getMessage(), e);
        }
    }

    private static void drain(WorkerPool pool) {
        pool.shutdown();
        try {
            if (!pool.awaitIdle(WORKER_DRAIN)) {
                LOG.warning(pool.name() + ": calls still running after " + WORKER_DRAIN.toSeconds()
                        + " s; abandoning them");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
