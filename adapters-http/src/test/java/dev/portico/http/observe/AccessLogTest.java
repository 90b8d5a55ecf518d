package dev.portico.http.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AccessLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** An exchange as a hostile client would shape it: every value it controls tries to break the line. */
    private static ExchangeRecord hostile() {
        ExchangeRecord record = new ExchangeRecord("HTTP/1.1")
                .request("GET", "evil\".test", "/a\"b\\c\u0001d?q=\u00ff")
                .client("203.0.113.9", "TLSv1.3", "shop.example")
                .ids("0123456789abcdef0123456789abcdef", null)
                .agent("Mozilla\r\n{\"status\":200}\u2028x", "\"-\" 200 0 \"");
        record.status(404);
        record.addBytesOut(12);
        ExchangeSink.NONE.end(record);
        return record;
    }

    private static String line(AccessLogFormat format, ExchangeRecord record) {
        StringBuilder out = new StringBuilder();
        format.format(record, out);
        return out.toString();
    }

    @Test
    void aJsonLineIsOneObjectWhateverTheClientSent() throws Exception {
        String line = line(AccessLogFormat.JSON, hostile());

        assertThat(line).endsWith("\n").doesNotContain("\r").doesNotContain("\u2028");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("user_agent").asText()).isEqualTo("Mozilla\r\n{\"status\":200}\u2028x");
        assertThat(json.path("path").asText()).isEqualTo("/a\"b\\c\u0001d?q=\u00ff");
        assertThat(json.path("host").asText()).isEqualTo("evil\".test");
        assertThat(json.path("status").asInt()).isEqualTo(404);
        assertThat(json.path("bytes_out").asLong()).isEqualTo(12);
        assertThat(json.path("route").isNull()).isTrue();
        assertThat(json.path("upstream_ms").isNull()).isTrue();
        assertThat(json.path("duration_ms").isNumber()).isTrue();
        assertThat(json.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(json.has("websocket")).isFalse();
    }

    @Test
    void aCombinedLineEscapesAsNginxDoes() {
        String line = line(AccessLogFormat.COMBINED, hostile());

        assertThat(line).matches("203\\.0\\.113\\.9 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] "
                + "\"GET /a\\\\x22b\\\\x5cc\\\\x01d\\?q=\\\\xff HTTP/1\\.1\" 404 12 "
                + "\"\\\\x22-\\\\x22 200 0 \\\\x22\" \"Mozilla\\\\x0d\\\\x0a\\{\\\\x22status\\\\x22:200}\\\\x20\\\\x28x\"\\n");
    }

    @Test
    void writesEachExchangeToTheFileAndOpensItAgainAfterItWasMoved() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLog log = AccessLog.toFile(file, AccessLogFormat.JSON)) {
            log.completed(hostile());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file)
                    && Files.readAllLines(file).size() == 1);

            // logrotate's create mode: the file is renamed, a new one takes its name, then SIGHUP
            Path rotated = dir.resolve("access.log.1");
            Files.move(file, rotated);
            Files.createFile(file);
            log.reopen();
            log.completed(hostile());
            log.completed(hostile());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(file).size() == 2);
            assertThat(Files.readAllLines(rotated)).hasSize(1);
            assertThat(log.dropped()).isZero();
        }
    }

    @Test
    void aStalledOutputDropsAndCountsLinesAndNeverBlocksTheRequestThread() throws Exception {
        // a FIFO nobody reads: opening it for writing blocks the writer thread forever, as a hung disk would
        Path fifo = dir.resolve("stalled");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        AccessLog log = AccessLog.toFile(fifo, AccessLogFormat.JSON, 100);
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                log.completed(hostile());
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            // all but the queue's 100 and a batch the writer took before it stalled
            assertThat(log.dropped()).isGreaterThanOrEqualTo(10_000 - 100 - 512);
            // 10,000 lines formatted and offered; had any waited for the output it would never have returned
            assertThat(tookMillis).isLessThan(10_000);
        } finally {
            log.close();
            // unblock the writer thread's open, so that it ends
            try (var reader = Files.newInputStream(fifo)) {
                reader.readAllBytes();
            }
        }
    }

    @Test
    void aFullDiskDropsAndCountsLines() throws Exception {
        try (AccessLog log = AccessLog.toFile(Path.of("/dev/full"), AccessLogFormat.COMBINED)) {
            log.completed(hostile());
            log.completed(hostile());
            await().atMost(Duration.ofSeconds(10)).until(() -> log.dropped() == 2);
        }
    }

    @Test
    void theWebSocketFlagIsWrittenOnlyForAWebSocket() throws Exception {
        ExchangeRecord record = new ExchangeRecord("HTTP/1.1").request("GET", "h", "/ws").ids("id", null);
        record.status(101);
        record.webSocket();
        ExchangeSink.NONE.end(record);

        assertThat(JSON.readTree(line(AccessLogFormat.JSON, record)).path("websocket").asBoolean()).isTrue();
        assertThat(new String(line(AccessLogFormat.JSON, record).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8)).contains("\"status\":101");
    }
}
