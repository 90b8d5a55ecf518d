package dev.portico.http.http1;

import dev.portico.http.client.ClientDeadlines;
import dev.portico.http.upstream.ClientAbortedException;
import dev.portico.http.upstream.RequestBody;
import dev.portico.http.wire.RequestHead;

import io.helidon.common.buffers.DataReader;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random mutations of valid requests, each fed in random pieces to Portico's reader ({@link RequestHead} and
 * {@link Http1Body}, as {@link Http1Connection} drives them) and to {@link ReferenceRequestReader}, README's parsing
 * policy written the plain way: both must refuse a request with the same status, or take it with the same method,
 * target, host, framing and body, and end it at the same byte, where the next request starts. A disagreement is a
 * request two readers would frame differently: the root of request smuggling.
 */
class ParsingPropertiesTest {
    private static final int MAX_LINE = 256;
    private static final int MAX_HEADERS = 1024;
    private static final ClientDeadlines DEADLINES = new ClientDeadlines(java.time.Duration.ofSeconds(60));

    private static final List<String> SEEDS = List.of(
            "GET /a?b=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: h\r\n\r\n",
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n3\r\nabc\r\n0\r\n"
                    + "X-T: 1\r\n\r\nGET /n HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET http://a.test:8080/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "PUT /q HTTP/1.1\r\nHost: [::1]:80\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
            "\r\nDELETE /d%20x HTTP/1.1\r\nHost: h\r\nConnection: close, X-A\r\nX-A: 1\r\n\r\n");

    private static final byte[] ALPHABET = "\r\n \t\0:;,=\"\\05afgX-/?#%Hh".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HIGH = {0x7f, (byte) 0x80, (byte) 0xff, 0x0b};

    private static final List<String> LINES = List.of("Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n",
            "Content-Length: 0\r\n", "Host: h\r\n", "Connection: close\r\n", "Connection: keep-alive\r\n",
            "Expect: 100-continue\r\n", "Transfer-Encoding: gzip, chunked\r\n", " folded\r\n", "X:\r\n",
            "transfer-encoding: Chunked\r\n", "Content-Length: 05\r\n", "Host: a:1\r\n");

    /** One edit of an input. */
    private record Mutation(int kind, int position, int choice) {
        byte[] applyTo(byte[] input) {
            int at = input.length == 0 ? 0 : position % (input.length + 1);
            String text = new String(input, StandardCharsets.ISO_8859_1);
            return switch (kind) {
                case 0 -> splice(input, at, 0, new byte[] {symbol()});
                case 1 -> input.length == 0 ? input : splice(input, Math.min(at, input.length - 1), 1,
                        new byte[] {symbol()});
                case 2 -> input.length == 0 ? input : splice(input, Math.min(at, input.length - 1), 1, new byte[0]);
                default -> {
                    // a whole header line, at the start of a line
                    int lineStart = text.indexOf("\r\n", Math.min(at, text.length()));
                    int where = lineStart < 0 ? 0 : lineStart + 2;
                    yield splice(input, where, 0, LINES.get(choice % LINES.size())
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
            };
        }

        private byte symbol() {
            int n = choice % (ALPHABET.length + HIGH.length);
            return n < ALPHABET.length ? ALPHABET[n] : HIGH[n - ALPHABET.length];
        }

        private static byte[] splice(byte[] input, int at, int remove, byte[] insert) {
            byte[] out = new byte[input.length - remove + insert.length];
            System.arraycopy(input, 0, out, 0, at);
            System.arraycopy(insert, 0, out, at, insert.length);
            System.arraycopy(input, at + remove, out, at + insert.length, input.length - at - remove);
            return out;
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedRequests() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 400), Arbitraries.integers().between(0, 1000)).as(Mutation::new);
        return Combinators.combine(Arbitraries.of(SEEDS), mutation.list().ofMinSize(1).ofMaxSize(3))
                .as((seed, mutations) -> {
                    byte[] input = seed.getBytes(StandardCharsets.ISO_8859_1);
                    for (Mutation m : mutations) {
                        input = m.applyTo(input);
                    }
                    return input;
                });
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 400).list().ofMaxSize(4);
    }

    @Property(tries = 3000)
    void porticosReaderAndTheReferenceFrameEveryRequestAlikeOrBothRefuseIt(@ForAll("mutatedRequests") byte[] input,
                                                                       @ForAll("cuts") List<Integer> cuts) {
        ReferenceRequestReader.Outcome expected = ReferenceRequestReader.read(input, MAX_LINE, MAX_HEADERS);
        ReferenceRequestReader.Outcome actual = portico(input, cuts);
        Statistics.collect(expected.getClass().getSimpleName());

        String shown = new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
        switch (expected) {
            case ReferenceRequestReader.Outcome.Accepted reference when actual instanceof
                    ReferenceRequestReader.Outcome.Accepted read -> {
                assertThat(read.method()).as(shown).isEqualTo(reference.method());
                assertThat(read.path()).as(shown).isEqualTo(reference.path());
                assertThat(read.query()).as(shown).isEqualTo(reference.query());
                assertThat(read.host()).as(shown).isEqualTo(reference.host());
                assertThat(read.http10()).as(shown).isEqualTo(reference.http10());
                assertThat(read.close()).as(shown).isEqualTo(reference.close());
                assertThat(read.chunked()).as(shown).isEqualTo(reference.chunked());
                boolean whole = reference.body() != null && reference.bodyComplete();
                assertThat(read.body() != null && read.bodyComplete()).as("whole body of " + shown).isEqualTo(whole);
                if (whole) {
                    assertThat(read.body()).as(shown).isEqualTo(reference.body());
                    assertThat(read.consumed()).as("where the next request starts in " + shown)
                            .isEqualTo(reference.consumed());
                }
            }
            default -> assertThat(actual).as(shown).isEqualTo(expected);
        }
    }

    /** Portico's reader over the input, delivered in pieces cut at {@code cuts}. */
    private static ReferenceRequestReader.Outcome portico(byte[] input, List<Integer> cuts) {
        Deque<byte[]> pieces = pieces(input, cuts);
        int[] pulled = {0};
        DataReader reader = DataReader.create(() -> {
            byte[] next = pieces.poll();
            if (next != null) {
                pulled[0] += next.length;
            }
            return next;
        });
        RequestHead head = new RequestHead(MAX_LINE, MAX_HEADERS);
        RequestHead.Parse parse;
        try {
            parse = head.readFrom(reader);
        } catch (DataReader.InsufficientDataAvailableException e) {
            return new ReferenceRequestReader.Outcome.Incomplete();
        }
        if (parse == RequestHead.Parse.REFUSED) {
            return new ReferenceRequestReader.Outcome.Refused(head.refusal().status().code());
        }
        reader.skip(head.length());
        byte[] body = new byte[0];
        boolean complete = true;
        if (head.hasBody()) {
            long length = head.chunked() ? -1 : head.contentLength();
            RequestBody requestBody = RequestBody.of(length, new Http1Body(reader, length, MAX_HEADERS,
                    DEADLINES.watch(Long.MAX_VALUE, () -> { }, w -> { }),
                    Long.MAX_VALUE / 4, null));
            try {
                if (requestBody.small()) {
                    body = requestBody.whole();
                } else {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buffer = new byte[7];
                    int read;
                    while ((read = requestBody.read(buffer)) >= 0) {
                        out.write(buffer, 0, read);
                    }
                    body = out.toByteArray();
                }
            } catch (ClientAbortedException e) {
                body = e.malformed() ? null : body;
                complete = false;
            }
        }
        int consumed = pulled[0] - reader.available();
        return new ReferenceRequestReader.Outcome.Accepted(head.method().text(), head.rawPath(), head.rawQuery(),
                head.host(), head.http10(), head.close(), head.contentLength(), head.chunked(), body, complete,
                consumed);
    }

    private static Deque<byte[]> pieces(byte[] input, List<Integer> cuts) {
        int[] at = cuts.stream().mapToInt(c -> Math.min(c, input.length)).sorted().distinct().toArray();
        Deque<byte[]> pieces = new ArrayDeque<>();
        int from = 0;
        for (int cut : at) {
            if (cut > from) {
                pieces.add(Arrays.copyOfRange(input, from, cut));
                from = cut;
            }
        }
        if (from < input.length) {
            pieces.add(Arrays.copyOfRange(input, from, input.length));
        }
        return pieces;
    }

    @AfterContainer
    static void stopDeadlines() {
        DEADLINES.close();
    }
}
