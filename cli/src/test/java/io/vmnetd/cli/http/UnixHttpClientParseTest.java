package io.vmnetd.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnixHttpClientParseTest {
    private static HttpResponse parse(String raw) throws IOException {
        return UnixHttpClient.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contentLengthChunkedAndUntilEof() throws IOException {
        HttpResponse a = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("hello");
        assertThat(a.header("x-a")).isEqualTo("b");
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\ncaf\r\n2\r\n\u00e9\r\n0\r\n\r\n").body())
                .isEqualTo("caf\u00e9");
        assertThat(parse("HTTP/1.0 503 Busy\r\n\r\nlater").body()).isEqualTo("later");
    }

    @Test
    void incompleteOrForeignAnswersAreErrors() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello"))
                .hasMessageContaining("ended after 5 of 9 bytes");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\n")).hasMessageContaining("without a complete answer");
        assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n\r\n")).hasMessageContaining("not an HTTP answer");
    }
}
