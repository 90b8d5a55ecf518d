package dev.portico.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;

/** A path that could climb out of the route's prefix once the upstream resolves its dots never reaches the upstream. */
class DotSegmentTest {

    @ParameterizedTest
    @ValueSource(strings = {"/public/../admin", "/public/%2e%2e/admin", "/public/..%2Fadmin", "/public/./x"})
    void answers400AndSendsNothingUpstream(String path) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(routes(upstream("app", upstream.url()),
                     route("public", "/public/", "app")));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET " + path + " HTTP/1.1", "Host: example.com").read("GET");

            assertThat(response.status()).isEqualTo(400);
            assertThat(new String(response.body(), StandardCharsets.US_ASCII))
                    .isEqualTo("400 Bad Request: the path has a '.' or '..' segment\n");
            assertThat(upstream.acceptedConnections()).isZero();
        }
    }
}
