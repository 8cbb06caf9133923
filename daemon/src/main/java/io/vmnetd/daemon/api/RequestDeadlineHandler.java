package io.vmnetd.daemon.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client that takes too long to send its request, whether it sends nothing or stops half-way. Unlike an
 * idle timeout, a client that trickles a byte at a time cannot hold the connection, and the clock stops while the
 * daemon itself works on the request (a CNI ADD may take a while). Sits first in the pipeline to see raw bytes.
 */
final class RequestDeadlineHandler extends ChannelDuplexHandler {

    private final long timeoutNanos;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> deadline;
    private boolean partialRequest;
    private boolean waiting;

    RequestDeadlineHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        awaitRequest();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (waiting && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            partialRequest = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** A whole request has arrived: the client has done its part. Call on the event loop. */
    void requestReceived() {
        waiting = false;
        cancel();
    }

    /** The response has gone out on a kept-alive connection: the client's clock starts again. */
    void awaitRequest() {
        waiting = true;
        partialRequest = false;
        cancel();
        deadline = context.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire() {
        if (!waiting || !context.channel().isActive()) {
            return;
        }
        if (!partialRequest) {
            // An idle keep-alive connection or one that never spoke: nothing to answer.
            context.close();
            return;
        }
        String body = "{\"error\":\"request not received within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n\r\n";
        // Written below the HTTP codec, so as raw bytes.
        context.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), bytes))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
