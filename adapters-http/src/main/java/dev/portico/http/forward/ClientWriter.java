package dev.portico.http.forward;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.media.type.MediaType;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProvider;
import io.helidon.webserver.http.spi.SinkProviderContext;

import java.util.function.BiConsumer;

/**
 * Writes bytes straight onto a client's HTTP/1.1 connection: the proxy puts an upstream's response together as bytes
 * (status line, the header lines as they came, Portico's own, the body's framing) and sends it in as few writes as
 * it arrived in, where Helidon's response would parse each header into an object, copy it into its headers, and
 * serialize and copy everything again (bench/NOTES.md). Obtained through Helidon's sink SPI, which hands a sink the
 * connection's writer and marks the response sent: from then on Helidon writes nothing for this request.
 */
public final class ClientWriter implements Sink<Object> {
    private static final GenericType<ClientWriter> TYPE = GenericType.create(ClientWriter.class);

    private final DataWriter writer;

    private ClientWriter(DataWriter writer) {
        this.writer = writer;
    }

    /** The writer of the connection an HTTP/1.1 response belongs to; the response counts as sent from now on. */
    public static ClientWriter of(ServerResponse response) {
        return response.sink(TYPE);
    }

    /** The writer of a connection Portico took over (a WebSocket upgrade). */
    public static ClientWriter of(ConnectionContext connection) {
        return new ClientWriter(connection.dataWriter());
    }

    /**
     * Writes the bytes now, in one write to the socket.
     *
     * @throws RuntimeException when the client's connection fails
     */
    public void write(byte[] bytes, int offset, int length) {
        writer.writeNow(BufferData.create(bytes, offset, length));
    }

    @Override
    public Sink<Object> emit(Object event) {
        throw new UnsupportedOperationException("write bytes with write(byte[], int, int)");
    }

    @Override
    public void close() {
        // the connection is Helidon's: it stays open for the next request unless the handler ends it
    }

    /** Registered with Helidon's service loader (META-INF/services). */
    public static final class Provider implements SinkProvider<Object> {
        @Override
        public boolean supports(GenericType<? extends Sink<?>> type, ServerRequest request) {
            return type == TYPE;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <X extends Sink<Object>> X create(SinkProviderContext context) {
            return (X) new ClientWriter(context.connectionContext().dataWriter());
        }

        /** The SPI's older form, which gives no access to the connection. */
        @Override
        @SuppressWarnings({"removal", "deprecation"})
        public <X extends Sink<Object>> X create(ServerResponse response, BiConsumer<Object, MediaType> eventConsumer,
                                                 Runnable closeRunnable) {
            throw new UnsupportedOperationException("needs the connection: create(SinkProviderContext)");
        }
    }
}
