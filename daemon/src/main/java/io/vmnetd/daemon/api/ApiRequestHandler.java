package io.vmnetd.daemon.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the requests of one connection, one at a time and in order (HTTP/1.1 pipelining keeps its order), with
 * the work done on a worker pool so that the event loop keeps serving everyone else: CNI calls on their own pool,
 * everything else on another, so that neither can starve the other. While a request is being answered the
 * connection is not read (the kernel's socket buffer holds what the client sends next), and a client that pipelines
 * more than {@link ApiLimits#MAX_PIPELINED} requests is disconnected.
 */
final class ApiRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = Logger.getLogger(ApiRequestHandler.class.getName());

    /** A request still to be answered, and whether the client wants the connection kept afterwards. */
    private static final RateLimitedLog OVERFLOWS = new RateLimitedLog(LOG);
    private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG);

    /**
     * A request still to be answered, and whether the client wants the connection kept afterwards.
     *
     * @param reserved its body's share of the {@link BodyBudget}, given back once it is answered
     */
    private record Pending(ApiRequest request, boolean keepAlive, boolean malformed, long reserved) {}

    private final ApiRoutes routes;
    private final ApiWorkers workers;
    private final Optional<CallerAuthorizer> authorizer;
    private final Optional<Caller> caller;
    private final Duration writeTimeout;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Optional<String> refusal;
    private Optional<String> writeRefusal;
    private boolean busy;

    /**
     * @param authorizer empty only where there is no peer identity to check
     * @param caller the peer as SO_PEERCRED reported it when it connected
     * @param writeTimeout how long a response may take to leave before the connection is dropped (a client that
     *     does not read)
     */
    ApiRequestHandler(ApiRoutes routes, ApiWorkers workers, Optional<CallerAuthorizer> authorizer,
            Optional<Caller> caller, Duration writeTimeout) {
        this.routes = routes;
        this.workers = workers;
        this.authorizer = authorizer;
        this.caller = caller;
        this.writeTimeout = writeTimeout;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        giveBackQueued();
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        RequestDeadlineHandler deadline = ctx.pipeline().get(RequestDeadlineHandler.class);
        if (deadline != null) {
            deadline.requestReceived();
        }
        long reserved = http instanceof BoundedBodyAggregator.BudgetedRequest budgeted ? budgeted.reserved : 0;
        QueryStringDecoder uri = new QueryStringDecoder(http.uri());
        ApiRequest request = new ApiRequest(http.method().name(), uri.path(), uri.parameters(),
                bodyOf(http), caller);
        queue.add(new Pending(request, HttpUtil.isKeepAlive(http), http.decoderResult().isFailure(), reserved));
        if (queue.size() > ApiLimits.MAX_PIPELINED) {
            OVERFLOWS.warning("closed an API connection of " + caller.map(c -> "uid " + c.uid()).orElse("a client")
                    + ": more than " + ApiLimits.MAX_PIPELINED + " pipelined requests");
            giveBackQueued();
            ctx.close();
            return;
        }
        if (!busy) {
            next(ctx);
        }
    }

    /** The body without a copy when the aggregator already made it a heap array of the exact size. */
    private static byte[] bodyOf(FullHttpRequest http) {
        var content = http.content();
        if (content.hasArray() && content.arrayOffset() == 0 && content.readerIndex() == 0
                && content.readableBytes() == content.array().length) {
            return content.array();
        }
        return ByteBufUtil.getBytes(content);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "API connection failed", cause);
        ctx.close();
    }

    private void next(ChannelHandlerContext ctx) {
        Pending pending = queue.poll();
        if (pending == null) {
            busy = false;
            ctx.channel().config().setAutoRead(true);
            RequestDeadlineHandler deadline = ctx.pipeline().get(RequestDeadlineHandler.class);
            if (deadline != null) {
                deadline.awaitRequest();
            }
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        if (pending.malformed()) {
            respond(ctx, pending, ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"), true);
            return;
        }
        Optional<String> refused = refusal();
        if (refused.isPresent()) {
            respond(ctx, pending, ApiResponse.error(HttpResponseStatus.FORBIDDEN, refused.get()), false);
            return;
        }
        ApiRoutes.Resolution resolution = routes.resolve(pending.request().method(), pending.request().path());
        if (resolution.error().isPresent()) {
            respond(ctx, pending, resolution.error().get(), false);
            return;
        }
        ApiRoutes.Route route = resolution.route().orElseThrow();
        Optional<String> writeRefused = ApiRoutes.changesTheNode(pending.request()) ? writeRefusal() : Optional.empty();
        if (writeRefused.isPresent()) {
            respond(ctx, pending, ApiResponse.error(HttpResponseStatus.FORBIDDEN, writeRefused.get()), false);
            return;
        }
        if (route.onEventLoop()) {
            respond(ctx, pending, invoke(route, pending.request()), false);
            return;
        }
        WorkerPool pool = route.isCni() ? workers.cni() : workers.api();
        boolean accepted = pool.trySubmit(() -> {
            ApiResponse response = invoke(route, pending.request());
            try {
                ctx.executor().execute(() -> respond(ctx, pending, response, false));
            } catch (RejectedExecutionException e) {
                LOG.fine("API shut down before " + pending.request().path() + " could be answered");
                giveBack(pending);
            }
        }, isRoot());
        if (!accepted) {
            ApiResponse busyAnswer = route.isCni()
                    ? ApiRoutes.cniBusy(pending.request(), pool.load())
                    : ApiResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "vmnetd is busy (" + pool.load()
                            + "); try again").withHeader("Retry-After", "1");
            respond(ctx, pending, busyAnswer, false);
        }
    }

    private boolean isRoot() {
        return caller.map(c -> c.uid() == 0).orElse(false);
    }

    private void giveBack(Pending pending) {
        if (pending.reserved() > 0) {
            workers.budget().release(pending.reserved(), isRoot());
        }
    }

    private void giveBackQueued() {
        for (Pending pending : queue) {
            giveBack(pending);
        }
        queue.clear();
    }

    /**
     * Computed once per connection: the peer's identity cannot change, and a lookup in the group database (NSS) is
     * then not repeated for every request. It runs on the event loop, which is acceptable for local files.
     */
    private Optional<String> refusal() {
        if (refusal == null) {
            refusal = authorizer.isEmpty() || caller.isEmpty()
                    ? Optional.empty()
                    : authorizer.get().refusal(caller.get());
            refusal.ifPresent(reason -> REFUSALS.warning("refused API caller pid " + caller.get().pid() + ": "
                    + reason));
        }
        return refusal;
    }

    /** Like {@link #refusal()}, for requests that change the node; computed once per connection. */
    private Optional<String> writeRefusal() {
        if (writeRefusal == null) {
            writeRefusal = authorizer.isEmpty() || caller.isEmpty()
                    ? Optional.empty()
                    : authorizer.get().writeRefusal(caller.get());
            writeRefusal.ifPresent(reason -> LOG.warning("refused a change by API caller pid " + caller.get().pid()
                    + ": " + reason));
        }
        return writeRefusal;
    }

    private static ApiResponse invoke(ApiRoutes.Route route, ApiRequest request) {
        try {
            return route.endpoint().handle(request);
        } catch (BadRequestException e) {
            return ApiResponse.json(HttpResponseStatus.BAD_REQUEST, ApiJson.errorWithField(e.getMessage(), e.field()));
        } catch (ForbiddenException e) {
            return ApiResponse.json(HttpResponseStatus.FORBIDDEN, ApiJson.errorWithField(e.getMessage(), e.field()));
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.log(Level.SEVERE, request.method() + " " + request.path() + " failed", e);
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return ApiResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, message);
        }
    }

    private void respond(ChannelHandlerContext ctx, Pending pending, ApiResponse response, boolean forceClose) {
        giveBack(pending);
        boolean keepAlive = pending.keepAlive() && !forceClose;
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.wrappedBuffer(response.body()));
        http.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        for (Map.Entry<String, String> header : response.headers()) {
            http.headers().add(header.getKey(), header.getValue());
        }
        if (!keepAlive) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (!ctx.channel().isActive()) {
            http.release();
            return;
        }
        ScheduledFuture<?> stalled = ctx.executor().schedule(() -> {
            ctx.close();
        }, writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.writeAndFlush(http).addListener((ChannelFutureListener) written -> {
            stalled.cancel(false);
            if (!keepAlive || !written.isSuccess()) {
                giveBackQueued();
                ctx.close();
            } else {
                next(ctx);
            }
        });
    }
}
