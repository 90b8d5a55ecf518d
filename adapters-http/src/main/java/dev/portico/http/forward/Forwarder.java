package dev.portico.http.forward;

import dev.portico.domain.balancing.Lease;
import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.balancing.Selection;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Target;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.upstream.RequestBody;
import dev.portico.http.upstream.UpstreamCall;
import dev.portico.http.upstream.UpstreamFailure;

import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The forwarding loop, for a request of either reader (Portico's HTTP/1.x, Helidon's HTTP/2) on the route that serves
 * it: the route's balancer picks a target, the request goes there, and the answer is relayed; a failed attempt is
 * retried on another target as the route's policy allows, or answered 502, 503 or 504. Failures are told apart by
 * whose fault they are: the upstream's are logged as warnings and reported to the observer as such; a client that goes
 * away is logged at DEBUG and never counted against the upstream.
 */
public final class Forwarder {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());

    private final UpstreamCall upstreams;
    private final ExchangeObserver observer;
    private final ErrorReplies replies;
    private final AtomicInteger inFlight = new AtomicInteger();

    public Forwarder(UpstreamCall upstreams, ExchangeObserver observer, ErrorReplies replies) {
        this.replies = replies;
        this.upstreams = upstreams;
        this.observer = observer;
    }

    /**
     * Sends the request to the target the route's balancer picks, retrying on another as the route's policy allows,
     * and relays the answer, or answers 502, 503 or 504 itself.
     */
    public void forward(ResolvedRoute route, ClientExchange exchange, RequestKey key) {
        inFlight.incrementAndGet();
        try {
            forwardCounted(route, exchange, key);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Requests being forwarded now, by either reader. */
    public int inFlight() {
        return inFlight.get();
    }

    private void forwardCounted(ResolvedRoute route, ClientExchange exchange, RequestKey key) {
        LoadBalancer balancer = route.balancer();
        ExchangeRecord record = exchange.record();
        record.routed(route);
        RequestBody body = exchange.body();
        long started = System.nanoTime();
        List<Target> tried = null;
        Selection selection = balancer.select(key);
        if (!(selection instanceof Selection.Chosen)) {
            exchange.reply(Status.SERVICE_UNAVAILABLE_503, replies.noTarget(route.upstream().name(),
                    selection == Selection.AllFull.INSTANCE));
            return;
        }
        for (int attempt = 1; ; attempt++) {
            Selection.Chosen chosen = (Selection.Chosen) selection;
            Target target = chosen.target();
            Lease lease = chosen.lease();
            record.attempt(target);
            try {
                UpstreamCall.Outbound outbound = new UpstreamCall.Outbound(exchange.method(), target,
                        exchange.upstreamTarget(route, target), route.route().timeout(),
                        exchange.headerLines(route, target), body);
                switch (upstreams.send(outbound)) {
                    case UpstreamCall.Reply.Answered answered -> {
                        record.upstreamAnswered();
                        relay(route, target, lease, exchange, answered);
                        return;
                    }
                    case UpstreamCall.Reply.Failed failed -> {
                        lease.release(failed.failure().outcome());
                        if (tried == null) {
                            tried = new ArrayList<>(4);
                        }
                        tried.add(target);
                        selection = retryTarget(route, key, tried, new RetryPolicy.FailedAttempt(
                                failed.failure().retryAs(), exchange.method().text(),
                                body != null && !body.replayable(), attempt,
                                Duration.ofNanos(System.nanoTime() - started)));
                        if (selection == null) {
                            upstreamFailed(route, target, exchange, failed.failure(), failed.cause(), tried);
                            return;
                        }
                        log(Level.WARNING, route, target, exchange, failed.failure(), failed.cause(),
                                "; trying " + ((Selection.Chosen) selection).target().url());
                        observer.retried(route, target, failed.failure());
                    }
                    case UpstreamCall.Reply.ClientGone gone -> {
                        lease.release(RequestOutcome.CANCELLED);
                        if (gone.cause().malformed()) {
                            // nothing reached the client yet: it learns why, and the connection ends
                            LOG.log(Level.DEBUG, () -> "Refused the body of " + describe(route, target, exchange)
                                    + ": " + gone.cause().refusal());
                            exchange.reply(Status.BAD_REQUEST_400, new String(ErrorReplies.text(
                                    Status.BAD_REQUEST_400, gone.cause().refusal()), StandardCharsets.US_ASCII));
                            return;
                        }
                        clientGone(route, target, exchange, gone.cause());
                    }
                }
            } finally {
                // a no-op when released above; covers what nobody foresaw, so the in-flight count never leaks
                lease.release(RequestOutcome.CANCELLED);
            }
        }
    }

    /**
     * The target for another attempt, held; null when the retry policy says no, or no target is left that this
     * request has not tried: as nginx does, a request goes to each target at most once, since the same failure
     * again is likelier than a recovery, and a timeout would be paid twice.
     */
    private static Selection.Chosen retryTarget(ResolvedRoute route, RequestKey key, List<Target> tried,
                                                RetryPolicy.FailedAttempt attempt) {
        RetryPolicy.Decision decision = route.upstream().retries().decide(attempt);
        if (decision instanceof RetryPolicy.Decision.GiveUp(String reason)) {
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "Not retrying a request to upstream '" + route.upstream().name() + "': " + reason);
            }
            return null;
        }
        if (route.balancer().select(key, tried) instanceof Selection.Chosen chosen) {
            if (!tried.contains(chosen.target())) {
                return chosen;
            }
            chosen.lease().release(RequestOutcome.CANCELLED);
        }
        return null;
    }

    private void relay(ResolvedRoute route, Target target, Lease lease, ClientExchange exchange,
                       UpstreamCall.Reply.Answered answered) {
        int status = answered.response().status();
        exchange.record().status(status);
        switch (exchange.relay(route, target, answered)) {
            case ResponseRelay.Ending.Complete ignored -> {
                lease.release(status >= 500 ? RequestOutcome.SERVER_ERROR : RequestOutcome.SUCCESS);
                observer.forwarded(route, target, status);
            }
            case ResponseRelay.Ending.UpstreamFailedBeforeBody failed -> {
                UpstreamFailure failure = answered.connection().failureOf(failed.cause());
                lease.release(failure.outcome());
                // nothing was written yet: the upstream's status and headers are replaced by the error reply
                upstreamFailed(route, target, exchange, failure, failed.cause(), List.of(target));
            }
            case ResponseRelay.Ending.UpstreamFailedMidBody failed -> {
                exchange.record().cut();
                lease.release(UpstreamFailure.ABORTED_RESPONSE.outcome());
                log(Level.WARNING, route, target, exchange, UpstreamFailure.ABORTED_RESPONSE, failed.cause(), "");
                observer.upstreamFailed(route, target, UpstreamFailure.ABORTED_RESPONSE);
                // closing the client's connection is the only way to tell it the body is incomplete: a normal end
                // would send the last chunk, or leave a Content-Length unmet on a connection still in use
                throw new CloseConnectionException("upstream failed mid-response", failed.cause());
            }
            case ResponseRelay.Ending.ClientGone gone -> {
                exchange.record().cut();
                lease.release(RequestOutcome.CANCELLED);
                clientGone(route, target, exchange, gone.cause());
            }
        }
    }

    private void upstreamFailed(ResolvedRoute route, Target target, ClientExchange exchange,
                                UpstreamFailure failure, Throwable cause, List<Target> tried) {
        log(Level.WARNING, route, target, exchange, failure, cause, "");
        observer.upstreamFailed(route, target, failure);
        if (failure == UpstreamFailure.UNREACHABLE && triedEveryTarget(route, tried)) {
            exchange.reply(Status.SERVICE_UNAVAILABLE_503,
                    replies.noneReachable(route.upstream().name(), tried.size()));
        } else {
            exchange.reply(Status.create(failure.status()),
                    replies.upstreamFailed(route.upstream().name(), failure));
        }
    }

    /** Whether every target that takes requests was tried: then none can be reached, which is a 503, not a 502. */
    private static boolean triedEveryTarget(ResolvedRoute route, List<Target> tried) {
        for (Target target : route.balancer().targets()) {
            if (target.acceptsNew() && !tried.contains(target)) {
                return false;
            }
        }
        return true;
    }

    private void clientGone(ResolvedRoute route, Target target, ClientExchange exchange, Throwable cause) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "Client went away during " + describe(route, target, exchange) + ": " + reason(cause));
        }
        observer.clientAborted(route, target);
        throw new CloseConnectionException("client went away", cause);
    }

    private static void log(Level level, ResolvedRoute route, Target target, ClientExchange exchange,
                            UpstreamFailure failure, Throwable cause, String outcome) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "Upstream '" + route.upstream().name() + "' " + failure.description() + " ("
                    + describe(route, target, exchange) + "): " + reason(cause) + outcome);
        }
    }

    /** The innermost cause's message, as {@code Connection refused (ConnectException)}: wrappers add nothing. */
    public static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage() + " ";
        return message + "(" + root.getClass().getSimpleName() + ")";
    }

    private static String describe(ResolvedRoute route, Target target, ClientExchange exchange) {
        return exchange.describe() + " via route '" + route.route().name() + "' to " + target.url() + ", request "
                + exchange.record().requestId();
    }
}
