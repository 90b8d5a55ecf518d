package dev.portico.http.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A JDK server engine behind {@link NamelessClientRefusal}: the first record it is given is peeked at, and a refused
 * ClientHello never reaches the JDK. The engine then behaves as the JDK's does after a fatal alert: {@code unwrap}
 * throws, the next {@code wrap} hands out the alert record, and both directions are done. Every other connection is
 * the JDK's engine's, call for call.
 */
final class NamelessClientRefusingEngine extends SSLEngine {
    private enum State { UNDECIDED, PASSING, REFUSED }

    private final SSLEngine engine;
    private final NamelessClientRefusal refusal;
    private volatile State state = State.UNDECIDED;
    private volatile boolean alertSent;

    NamelessClientRefusingEngine(SSLEngine engine, NamelessClientRefusal refusal) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
        this.refusal = refusal;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        return switch (state) {
            case PASSING -> engine.unwrap(src, dsts, offset, length);
            case REFUSED -> new SSLEngineResult(SSLEngineResult.Status.CLOSED, getHandshakeStatus(), 0, 0);
            case UNDECIDED -> firstUnwrap(src, dsts, offset, length);
        };
    }

    private SSLEngineResult firstUnwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
            throws SSLException {
        ClientHelloPeek peek = engine.getUseClientMode() ? ClientHelloPeek.OTHER : ClientHelloPeek.of(src);
        if (peek == ClientHelloPeek.INCOMPLETE) {
            // the JDK asks for more bytes without consuming any, as it does for any partial record
            return engine.unwrap(src, dsts, offset, length);
        }
        if (refusal.refuses(peek)) {
            state = State.REFUSED;
            src.position(src.position() + ClientHelloPeek.RECORD_HEADER_LENGTH
                    + ClientHelloPeek.recordLength(src.get(src.position() + 3), src.get(src.position() + 4)));
            engine.closeOutbound();
            throw NamelessClientRefusal.refusal();
        }
        state = State.PASSING;
        return engine.unwrap(src, dsts, offset, length);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        if (state != State.REFUSED) {
            return engine.wrap(srcs, offset, length, dst);
        }
        if (alertSent) {
            return new SSLEngineResult(SSLEngineResult.Status.CLOSED, SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING,
                    0, 0);
        }
        byte[] alert = NamelessClientRefusal.alert();
        if (dst.remaining() < alert.length) {
            return new SSLEngineResult(SSLEngineResult.Status.BUFFER_OVERFLOW, SSLEngineResult.HandshakeStatus.NEED_WRAP,
                    0, 0);
        }
        dst.put(alert);
        alertSent = true;
        return new SSLEngineResult(SSLEngineResult.Status.CLOSED, SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING,
                0, alert.length);
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        if (state != State.REFUSED) {
            return engine.getHandshakeStatus();
        }
        return alertSent ? SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING : SSLEngineResult.HandshakeStatus.NEED_WRAP;
    }

    @Override
    public Runnable getDelegatedTask() {
        return state == State.REFUSED ? null : engine.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        if (state != State.REFUSED) {
            engine.closeInbound();
        }
    }

    @Override
    public boolean isInboundDone() {
        return state == State.REFUSED || engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return state == State.REFUSED ? alertSent : engine.isOutboundDone();
    }

    // Everything below is the JDK engine's.

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        engine.beginHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        engine.setSSLParameters(parameters);
    }

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return engine.getHandshakeApplicationProtocolSelector();
    }
}
