package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.portico.admin.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests over the listener's limits (request line 4096 bytes, header section 16 KiB) are answered with a status
 * that says which limit, as problem+json, and the connection is then closed; nothing is stored.
 */
class RequestLimitsTest {
    private static final byte[] ROUTE = "{\"upstream\":\"app\"}".getBytes(StandardCharsets.US_ASCII);

    private final AdminServer server = AdminServer.start();
    private Configuration before;

    @BeforeEach
    void upstream() {
        assertThat(server.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"http://127.0.0.1:9001\"}]}").status())
                .isEqualTo(201);
        before = server.store.load();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersAResourceNameOf100000CharactersWith414AndCloses() {
        String name = "a".repeat(100_000);

        RawHttp.Answer answer = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/" + name, "Content-Type: application/json\r\n", ROUTE));

        assertThat(answer.statusLine()).startsWith("HTTP/1.1 414 ");
        assertProblem(answer.reply(), 414);
        assertThat(answer.closed()).as("closed after %s", answer).isTrue();
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void answersARequestLineJustOverTheLimitWith414() {
        String name = "a".repeat(4096 - "GET /v1/routes/ HTTP/1.1".length() + 1);

        RawHttp.Answer answer = RawHttp.exchange(server, RawHttp.request("GET", "/v1/routes/" + name, "", new byte[0]));

        assertThat(answer.statusLine()).startsWith("HTTP/1.1 414 ");
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void answersAHeaderOf100KilobytesWith431AndCloses() {
        String header = "X-Padding: " + "b".repeat(100_000) + "\r\n";

        RawHttp.Answer answer = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/api", "Content-Type: application/json\r\n" + header, ROUTE));

        assertThat(answer.statusLine()).startsWith("HTTP/1.1 431 ");
        assertProblem(answer.reply(), 431);
        assertThat(answer.closed()).as("closed after %s", answer).isTrue();
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void answersAThousandHeadersOf100BytesWith431AndCloses() {
        StringBuilder headers = new StringBuilder("Content-Type: application/json\r\n");
        for (int i = 0; i < 1000; i++) {
            headers.append("X-Padding-").append(i).append(": ").append("c".repeat(85)).append("\r\n");
        }

        RawHttp.Answer answer = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/api", headers.toString(), ROUTE));

        assertThat(answer.statusLine()).startsWith("HTTP/1.1 431 ");
        assertProblem(answer.reply(), 431);
        assertThat(answer.closed()).isTrue();
        assertThat(server.store.load()).isEqualTo(before);
    }

    @Test
    void servesARequestWithinTheLimits() {
        String header = "X-Padding: " + "d".repeat(12_000) + "\r\n";

        RawHttp.Answer answer = RawHttp.exchange(server,
                RawHttp.request("PUT", "/v1/routes/api", "Content-Type: application/json\r\n" + header, ROUTE));

        assertThat(answer.statusLine()).as("%s", answer).startsWith("HTTP/1.1 201 ");
        assertThat(answer.closed()).isFalse();
    }

    @Test
    void aMalformedRequestLineIsAProblemTooAndCloses() {
        byte[] garbage = "GET /v1/status\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        RawHttp.Answer answer = RawHttp.exchange(server, garbage);

        assertThat(answer.statusLine()).startsWith("HTTP/1.1 400 ");
        assertProblem(answer.reply(), 400);
        assertThat(answer.closed()).isTrue();
    }
}
