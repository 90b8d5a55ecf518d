package dev.portico.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

/** How the proxy treats the client's own connection: kept alive by default, closed when the client asks. */
class ClientConnectionTest {

    @Test
    void closesTheConnectionAfterTheResponseWhenTheClientAsks() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "hello"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.com", "Connection: close")
                    .read("GET");

            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("hello");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void keepsTheConnectionOpenForTheNextRequestByDefault() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "hello"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            assertThat(client.send("GET /1 HTTP/1.1", "Host: example.com").read("GET").status()).isEqualTo(200);
            assertThat(client.send("GET /2 HTTP/1.1", "Host: example.com").read("GET").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chunked", "until closed"})
    void sendsTheWholeOfABodyWithoutLengthBeforeClosingTheConnectionTheClientAskedToClose(String framing)
            throws Exception {
        RawUpstream.Responder responder = framing.equals("chunked")
                ? (request, conversation) -> conversation.write(
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                : (request, conversation) -> {
                    conversation.write("HTTP/1.0 200 OK\r\n\r\nhello world");
                    conversation.close();
                };
        try (RawUpstream upstream = RawUpstream.start(responder);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.com", "Connection: close")
                    .read("GET");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.chunked()).isTrue();
            assertThat(new String(response.body())).isEqualTo("hello world");
            assertThat(client.closedByPeer()).isTrue();
        }
    }
}
