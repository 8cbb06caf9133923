package io.vmnetd.daemon.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The unauthenticated TCP listener: GET /metrics and GET /healthz, nothing else. One request per connection, no
 * body (Content-Length above 0: 413; Transfer-Encoding: 400), any other method 405; every answer closes the
 * connection. The scrape comes from {@link ScrapeCache}, so this listener never uses an API worker.
 *
 * <p>Closing a TCP connection with unread bytes makes the kernel send a reset, which can destroy the answer before
 * the client reads it; so after answering, the handler shuts its side down and reads and discards what still comes
 * (at most {@link #LINGER_BYTES}, for at most {@link #LINGER}) before closing, as web servers' "lingering close" does.
 */
final class MetricsHandler extends ChannelInboundHandlerAdapter {

    static final Duration LINGER = Duration.ofSeconds(1);
    static final int LINGER_BYTES = 64 * 1024;

    private final ScrapeCache metrics;
    private final Duration writeTimeout;
    private boolean answered;
    private long discarded;

    MetricsHandler(ScrapeCache metrics, Duration writeTimeout) {
        this.metrics = metrics;
        this.writeTimeout = writeTimeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered) {
                // A body, or further requests: counted and dropped.
                discard(ctx, msg instanceof HttpContent content ? content.content().readableBytes() : 1);
                return;
            }
            if (!(msg instanceof HttpRequest request)) {
                return;
            }
            answered = true;
            RequestDeadlineHandler deadline = ctx.pipeline().get(RequestDeadlineHandler.class);
            if (deadline != null) {
                deadline.requestReceived();
            }
            answer(ctx, request);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean known = path.equals("/metrics") || path.equals("/healthz");
        if (!known) {
            send(ctx, ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + request.method() + " "
                    + path + "; this listener serves GET /metrics and GET /healthz"));
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            send(ctx, ApiResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method()
                    + " is not allowed on " + path + "; use GET").withHeader("Allow", "GET"));
            return;
        }
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            send(ctx, ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "this listener takes no request body"));
            return;
        }
        if (HttpUtil.getContentLength(request, 0L) > 0) {
            send(ctx, ApiResponse.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "this listener takes no request body"));
            return;
        }
        if (path.equals("/healthz")) {
            send(ctx, ApiResponse.json(HttpResponseStatus.OK, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)));
            return;
        }
        metrics.forListener().whenComplete((text, failure) -> ctx.executor().execute(() -> send(ctx, failure == null
                ? ApiResponse.text(HttpResponseStatus.OK, ApiResponse.PROMETHEUS_TEXT, text)
                : ApiResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics unavailable: " + failure))));
    }

    private void send(ChannelHandlerContext ctx, ApiResponse response) {
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.wrappedBuffer(response.body()));
        http.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        response.headers().forEach(header -> http.headers().add(header.getKey(), header.getValue()));
        // A client that does not read its answer loses the connection rather than keep a slot.
        var stalled = ctx.executor().schedule(() -> {
            ctx.close();
        }, writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.writeAndFlush(http).addListener((ChannelFutureListener) written -> {
            stalled.cancel(false);
            if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                ctx.close();
                return;
            }
            duplex.shutdownOutput().addListener(shut -> ctx.executor().schedule(() -> {
                ctx.close();
            }, LINGER.toNanos(), TimeUnit.NANOSECONDS));
        });
    }

    private void discard(ChannelHandlerContext ctx, int bytes) {
        discarded += bytes;
        if (discarded > LINGER_BYTES) {
            ctx.close();
        }
    }
}
