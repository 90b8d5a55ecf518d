package dev.portico.http.client;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * A client's connection as its protocol handler sees it: Helidon's, but every write to the client under the send
 * timeout, so that a client that stops reading cannot hold a writer (and what it holds) for ever.
 */
public final class WatchedContext implements ConnectionContext {
    private final ConnectionContext delegate;
    private final DataReader reader;
    private final DataWriter writer;

    public WatchedContext(ConnectionContext delegate, DataReader reader, ClientDeadlines.Watch watch, long sendNanos) {
        this.delegate = delegate;
        this.reader = reader;
        this.writer = new WatchedWriter(delegate.dataWriter(), watch, sendNanos);
    }

    private WatchedContext(ConnectionContext delegate, DataReader reader, DataWriter writer) {
        this.delegate = delegate;
        this.reader = reader;
        this.writer = writer;
    }

    /** The same connection, read through another reader. */
    public WatchedContext readingFrom(DataReader other) {
        return new WatchedContext(delegate, other, writer);
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public DataWriter dataWriter() {
        return writer;
    }

    @Override
    public ListenerContext listenerContext() {
        return delegate.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return delegate.executor();
    }

    @Override
    public Router router() {
        return delegate.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return delegate.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return delegate.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return delegate.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return delegate.localPeer();
    }

    @Override
    public boolean isSecure() {
        return delegate.isSecure();
    }

    @Override
    public String socketId() {
        return delegate.socketId();
    }

    @Override
    public String childSocketId() {
        return delegate.childSocketId();
    }

    /**
     * Sets the write deadline around each write. Writers on one connection take turns (HTTP/2's share a lock), so
     * one deadline at a time is enough.
     */
    private record WatchedWriter(DataWriter delegate, ClientDeadlines.Watch watch, long sendNanos)
            implements DataWriter {
        @Override
        public void write(BufferData... buffers) {
            watch.writeBy(System.nanoTime() + sendNanos);
            try {
                delegate.write(buffers);
            } finally {
                watch.notWriting();
            }
        }

        @Override
        public void write(BufferData buffer) {
            watch.writeBy(System.nanoTime() + sendNanos);
            try {
                delegate.write(buffer);
            } finally {
                watch.notWriting();
            }
        }

        @Override
        public void writeNow(BufferData... buffers) {
            watch.writeBy(System.nanoTime() + sendNanos);
            try {
                delegate.writeNow(buffers);
            } finally {
                watch.notWriting();
            }
        }

        @Override
        public void writeNow(BufferData buffer) {
            watch.writeBy(System.nanoTime() + sendNanos);
            try {
                delegate.writeNow(buffer);
            } finally {
                watch.notWriting();
            }
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
