package dev.portico.http.tls;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import static org.assertj.core.api.Assertions.assertThat;

/** The first record of a connection, as the JDK's clients and others send it, read without being consumed. */
class ClientHelloPeekTest {

    @Test
    void tellsAClientHelloWithAServerNameFromOneWithout() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            assertThat(ClientHelloPeek.of(ByteBuffer.wrap(jdkClientHello(Optional.of("a.example.com"), protocol))))
                    .isEqualTo(ClientHelloPeek.SERVER_NAME);
            assertThat(ClientHelloPeek.of(ByteBuffer.wrap(jdkClientHello(Optional.empty(), protocol))))
                    .isEqualTo(ClientHelloPeek.NO_SERVER_NAME);
        }
    }

    @Test
    void asksForMoreUntilTheWholeFirstRecordIsThere() throws Exception {
        byte[] hello = jdkClientHello(Optional.empty(), "TLSv1.3");
        for (int length = 0; length < hello.length; length++) {
            assertThat(ClientHelloPeek.of(ByteBuffer.wrap(hello, 0, length))).as("%d bytes", length)
                    .isEqualTo(ClientHelloPeek.INCOMPLETE);
        }
    }

    @Test
    void leavesTheBufferAsItWas() throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(jdkClientHello(Optional.of("a.example.com"), "TLSv1.3"));
        bytes.position(0);

        ClientHelloPeek.of(bytes);

        assertThat(bytes.position()).isZero();
        assertThat(bytes.limit()).isEqualTo(bytes.capacity());
    }

    @Test
    void readsATls12ClientHelloWithoutAnyExtensionsAsNamingNoServer() {
        // record: handshake, TLS 1.0; ClientHello: TLS 1.2, 32 random bytes, no session, one suite, null compression
        byte[] body = new byte[2 + 32 + 1 + 4 + 2];
        body[0] = 3;
        body[1] = 3;
        body[34] = 0;
        body[35] = 0;
        body[36] = 2;
        body[37] = (byte) 0xc0;
        body[38] = 0x2f;
        body[39] = 1;
        body[40] = 0;

        assertThat(ClientHelloPeek.of(ByteBuffer.wrap(record(1, body)))).isEqualTo(ClientHelloPeek.NO_SERVER_NAME);
    }

    @Test
    void leavesWhatIsNotAWholeClientHelloInOneRecordToTheJdk() throws Exception {
        byte[] hello = jdkClientHello(Optional.empty(), "TLSv1.3");
        byte[] firstHalf = Arrays.copyOfRange(hello, 5, 5 + (hello.length - 5) / 2);  // its handshake length says more

        assertThat(ClientHelloPeek.of(ByteBuffer.wrap(record(-1, firstHalf)))).isEqualTo(ClientHelloPeek.OTHER);
        assertThat(ClientHelloPeek.of(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(ClientHelloPeek.OTHER);
        assertThat(ClientHelloPeek.of(ByteBuffer.wrap(HexFormat.of().parseHex("15030300020270"))))
                .isEqualTo(ClientHelloPeek.OTHER);
        assertThat(ClientHelloPeek.of(ByteBuffer.wrap(HexFormat.of().parseHex("16030100040200000000"))))
                .as("a ServerHello").isEqualTo(ClientHelloPeek.OTHER);
        assertThat(ClientHelloPeek.of(ByteBuffer.wrap(HexFormat.of().parseHex("1603014801"))))
                .as("a record longer than TLS allows").isEqualTo(ClientHelloPeek.OTHER);
    }

    @Test
    void neverFailsOnACorruptedClientHello() throws Exception {
        byte[] hello = jdkClientHello(Optional.of("a.example.com"), "TLSv1.3");
        for (int i = 5; i < hello.length; i++) {
            for (int value : new int[] {0x00, 0xff, hello[i] ^ 0x80}) {
                byte[] corrupted = hello.clone();
                corrupted[i] = (byte) value;
                assertThat(ClientHelloPeek.of(ByteBuffer.wrap(corrupted))).isNotNull();
            }
        }
    }

    /** The first record a JDK client sends. */
    private static byte[] jdkClientHello(Optional<String> serverName, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName.<List<SNIServerName>>map(name -> List.of(new SNIHostName(name)))
                .orElse(List.of()));
        parameters.setProtocols(new String[] {protocol});
        engine.setSSLParameters(parameters);
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        return Arrays.copyOf(hello.array(), hello.position());
    }

    /** A handshake record holding {@code fragment}, behind a handshake header of message type {@code type} unless -1. */
    private static byte[] record(int type, byte[] fragment) {
        ByteBuffer message = ByteBuffer.allocate((type < 0 ? 0 : 4) + fragment.length);
        if (type >= 0) {
            message.put((byte) type).put((byte) 0).putShort((short) fragment.length);
        }
        message.put(fragment);
        ByteBuffer record = ByteBuffer.allocate(5 + message.capacity());
        record.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) message.capacity()).put(message.array());
        return record.array();
    }
}
