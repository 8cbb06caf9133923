package io.vmnetd.daemon.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the requests of one connection, one at a time and in order (HTTP/1.1 pipelining keeps its order), with
 * the work done on the worker pool so that the event loop keeps serving everyone else.
 */
final class ApiRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = Logger.getLogger(ApiRequestHandler.class.getName());

    /** A request still to be answered, and whether the client wants the connection kept afterwards. */
    private record Pending(ApiRequest request, boolean keepAlive, boolean malformed) {}

    private final ApiRoutes routes;
    private final Executor workers;
    private final Optional<CallerAuthorizer> authorizer;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Optional<Caller> caller = Optional.empty();
    private Optional<String> refusal;
    private Optional<String> writeRefusal;
    private boolean busy;

    /** @param authorizer empty on the TCP listener, which has no peer identity and serves only public endpoints */
    ApiRequestHandler(ApiRoutes routes, Executor workers, Optional<CallerAuthorizer> authorizer) {
        this.routes = routes;
        this.workers = workers;
        this.authorizer = authorizer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel() instanceof EpollDomainSocketChannel unix) {
            try {
                PeerCredentials credentials = unix.peerCredentials();
                int[] gids = credentials.gids();
                caller = Optional.of(new Caller(credentials.pid(), credentials.uid(), gids.length > 0 ? gids[0] : -1));
            } catch (IOException e) {
                LOG.warning("cannot read the peer credentials of an API connection; closing it: " + e.getMessage());
                ctx.close();
                return;
            }
        }
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        RequestDeadlineHandler deadline = ctx.pipeline().get(RequestDeadlineHandler.class);
        if (deadline != null) {
            deadline.requestReceived();
        }
        QueryStringDecoder uri = new QueryStringDecoder(http.uri());
        ApiRequest request = new ApiRequest(http.method().name(), uri.path(), uri.parameters(),
                ByteBufUtil.getBytes(http.content()), caller);
        queue.add(new Pending(request, HttpUtil.isKeepAlive(http), http.decoderResult().isFailure()));
        if (!busy) {
            next(ctx);
        }
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
            RequestDeadlineHandler deadline = ctx.pipeline().get(RequestDeadlineHandler.class);
            if (deadline != null) {
                deadline.awaitRequest();
            }
            return;
        }
        busy = true;
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
        try {
            workers.execute(() -> {
                ApiResponse response = invoke(route, pending.request());
                try {
                    ctx.executor().execute(() -> respond(ctx, pending, response, false));
                } catch (RejectedExecutionException e) {
                    LOG.fine("API shut down before " + pending.request().path() + " could be answered");
                }
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, pending, ApiResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "vmnetd is busy; try again").withHeader("Retry-After", "1"), false);
        }
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
            refusal.ifPresent(reason -> LOG.warning("refused API caller pid " + caller.get().pid() + ": " + reason));
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
        ctx.writeAndFlush(http).addListener((ChannelFutureListener) written -> {
            if (!keepAlive || !written.isSuccess()) {
                queue.clear();
                ctx.close();
            } else {
                next(ctx);
            }
        });
    }
}
