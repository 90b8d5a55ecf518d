package dev.portico.http.upstream;

import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.model.RetryPolicy;

import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/** What went wrong with an upstream, and what the client is told when no response has started yet. */
public enum UpstreamFailure {
    UNREACHABLE(502, "Bad Gateway", "could not be reached"),
    CONNECT_TIMEOUT(504, "Gateway Timeout", "could not be reached in time"),
    /** TLS to the target: its certificate chain leads to no CA the upstream trusts. */
    UNTRUSTED_CERTIFICATE(502, "Bad Gateway", "presented a certificate that is not trusted (no trusted CA signed it;"
            + " give the upstream's CA in tls.caPem)"),
    /** TLS to the target: the certificate is valid, but not for the target's host name. */
    WRONG_HOST_CERTIFICATE(502, "Bad Gateway", "presented a certificate that is not trusted (it is not valid for the"
            + " target's host name)"),
    /** TLS to the target: the certificate (or one of its chain) has expired or is not valid yet. */
    EXPIRED_CERTIFICATE(502, "Bad Gateway", "presented a certificate that is not trusted (expired or not yet valid)"),
    /** TLS to the target failed for another reason: no common protocol or cipher, not TLS at all, an alert. */
    TLS_FAILED(502, "Bad Gateway", "could not complete a TLS handshake"),
    CLOSED(502, "Bad Gateway", "closed the connection without a complete response"),
    TIMEOUT(504, "Gateway Timeout", "did not answer in time"),
    INVALID_RESPONSE(502, "Bad Gateway", "sent a response that cannot be forwarded"),
    /** The response had started: the client's response is cut off rather than replaced, so no status applies. */
    ABORTED_RESPONSE(0, "", "failed while sending its response");

    private final int status;
    private final String reason;
    private final String description;

    UpstreamFailure(int status, String reason, String description) {
        this.status = status;
        this.reason = reason;
        this.description = description;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The end of a sentence starting with the upstream's name: "upstream 'app' could not be reached". */
    public String description() {
        return description;
    }

    /** What passive health learns from it. */
    public RequestOutcome outcome() {
        return switch (this) {
            // a failed TLS handshake is part of connecting: the request was never sent
            case UNREACHABLE, CONNECT_TIMEOUT, UNTRUSTED_CERTIFICATE, WRONG_HOST_CERTIFICATE, EXPIRED_CERTIFICATE,
                 TLS_FAILED -> RequestOutcome.DIAL_FAILED;
            case TIMEOUT -> RequestOutcome.TIMED_OUT;
            case CLOSED, INVALID_RESPONSE, ABORTED_RESPONSE -> RequestOutcome.IO_FAILED;
        };
    }

    /** How the retry policy sees it: a connection that was never made means the target never saw the request. */
    public RetryPolicy.Failure retryAs() {
        return switch (this) {
            case UNREACHABLE, CONNECT_TIMEOUT, UNTRUSTED_CERTIFICATE, WRONG_HOST_CERTIFICATE, EXPIRED_CERTIFICATE,
                 TLS_FAILED -> RetryPolicy.Failure.DIAL;
            case TIMEOUT -> RetryPolicy.Failure.TIMEOUT;
            case CLOSED, INVALID_RESPONSE, ABORTED_RESPONSE -> RetryPolicy.Failure.IO;
        };
    }

    /** A failure to open a connection, the TLS handshake included. */
    public static UpstreamFailure ofConnect(RuntimeException e) {
        if (hasCause(e, SocketTimeoutException.class)) {
            return CONNECT_TIMEOUT;
        }
        if (hasCause(e, SSLException.class)) {
            return ofHandshake(e);
        }
        return UNREACHABLE;
    }

    /**
     * Tells certificate failures apart by the JDK's exceptions: validity first (an expired certificate fails path
     * validation too), then the host name check (HostnameChecker's CertificateException, known only by its message:
     * "No name matching ..." or "No subject alternative ... matching ..."), then the path to a trusted CA.
     */
    private static UpstreamFailure ofHandshake(Throwable e) {
        if (hasCause(e, CertificateExpiredException.class) || hasCause(e, CertificateNotYetValidException.class)) {
            return EXPIRED_CERTIFICATE;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof CertificateException && message != null
                    && (message.startsWith("No name matching") || message.startsWith("No subject alternative"))) {
                return WRONG_HOST_CERTIFICATE;
            }
        }
        if (hasCause(e, CertPathBuilderException.class) || hasCause(e, CertPathValidatorException.class)
                || hasCause(e, CertificateException.class)) {
            return UNTRUSTED_CERTIFICATE;
        }
        return TLS_FAILED;
    }

    /** A failure on an open connection before the response's status and headers were read. */
    public static UpstreamFailure ofExchange(Exception e) {
        if (hasCause(e, SocketTimeoutException.class)) {
            return TIMEOUT;
        }
        if (e instanceof UncheckedIOException || e instanceof DataReader.InsufficientDataAvailableException
                || hasCause(e, IOException.class)) {
            return CLOSED;
        }
        return INVALID_RESPONSE;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
