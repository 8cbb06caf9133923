package io.vmnetd.daemon.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * Collects a request's body into a heap array, within two bounds: {@link ApiLimits#MAX_BODY_BYTES} per request (413)
 * and the {@link BodyBudget} shared by all connections (503). Either way the connection is answered and closed
 * before the rest of the body is read. Copying each chunk out of netty's (direct) read buffer at once keeps direct
 * memory down to the read buffers themselves, whatever the clients send.
 */
final class BoundedBodyAggregator extends ChannelInboundHandlerAdapter {

    static final int MAX_BODY_BYTES = ApiLimits.MAX_BODY_BYTES;

    /** A whole request whose body holds {@code reserved} bytes of the budget until its response is written. */
    static final class BudgetedRequest extends DefaultFullHttpRequest {
        final long reserved;

        BudgetedRequest(HttpRequest head, byte[] body, int length, long reserved) {
            super(head.protocolVersion(), head.method(), head.uri(), Unpooled.wrappedBuffer(body, 0, length),
                    head.headers(), EmptyHttpHeaders.INSTANCE);
            this.reserved = reserved;
        }
    }

    private final BodyBudget budget;
    private final boolean root;
    private HttpRequest head;
    private byte[] body;
    private int length;
    private long reserved;
    private boolean chunked;
    private boolean discarding;

    /** @param root whether the caller is root, whose requests may use the whole budget */
    BoundedBodyAggregator(BodyBudget budget, boolean root) {
        this.budget = budget;
        this.root = root;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (discarding) {
                return;
            }
            if (msg instanceof HttpRequest request) {
                start(ctx, request);
            }
            if (msg instanceof HttpContent content && head != null) {
                append(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        giveBack();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        giveBack();
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            // ApiRequestHandler answers 400 and closes; nothing after it is read.
            FullHttpRequest failed = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                    request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
            failed.setDecoderResult(request.decoderResult());
            discarding = true;
            ctx.fireChannelRead(failed);
            return;
        }
        long declared = HttpUtil.getContentLength(request, -1L);
        chunked = HttpUtil.isTransferEncodingChunked(request);
        if (declared > MAX_BODY_BYTES) {
            refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    ApiJson.errorWithField("request body exceeds " + MAX_BODY_BYTES + " bytes", "body"));
            return;
        }
        int expected = chunked || declared < 0 ? 0 : (int) declared;
        if (!budget.reserve(expected, root)) {
            refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, ApiJson.error("vmnetd holds " + budget.total()
                    + " bytes of request bodies, its limit; try again"));
            return;
        }
        reserved = expected;
        head = request;
        body = new byte[expected];
        length = 0;
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
            request.headers().remove(HttpHeaderNames.EXPECT);
        }
    }

    private void append(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf bytes = content.content();
        int n = bytes.readableBytes();
        if (n > 0) {
            if ((long) length + n > MAX_BODY_BYTES) {
                refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        ApiJson.errorWithField("request body exceeds " + MAX_BODY_BYTES + " bytes", "body"));
                return;
            }
            if (length + n > body.length) {
                // Chunked coding: the budget grows with what actually arrives.
                if (!budget.reserve(length + n - reserved, root)) {
                    refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, ApiJson.error("vmnetd holds "
                            + budget.total() + " bytes of request bodies, its limit; try again"));
                    return;
                }
                reserved = length + n;
                body = Arrays.copyOf(body, Math.min(MAX_BODY_BYTES, Math.max(length + n, body.length * 2)));
            }
            bytes.readBytes(body, length, n);
            length += n;
        }
        if (content instanceof LastHttpContent) {
            BudgetedRequest whole = new BudgetedRequest(head, body, length, reserved);
            head = null;
            body = null;
            reserved = 0; // from now on ApiRequestHandler gives it back
            ctx.fireChannelRead(whole);
        }
    }

    // Closing rather than keeping the connection: the rest of the body would have to be read and thrown away.
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] json) {
        giveBack();
        discarding = true;
        head = null;
        body = null;
        ctx.channel().config().setAutoRead(false);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(json));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void giveBack() {
        if (reserved > 0) {
            budget.release(reserved, root);
            reserved = 0;
        }
    }
}
