package dev.portico.http;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingTable;
import dev.portico.domain.validation.Validated;
import dev.portico.http.forward.ExchangeObserver;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.observe.ExchangeSink;
import dev.portico.http.observe.Observation;
import dev.portico.http.upstream.UpstreamFailure;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Portico's data plane on a real listener (127.0.0.1, ephemeral port), as the composition root builds it. */
final class ProxyServer implements AutoCloseable {
    final Proxy proxy;
    final WebServer server;
    final RecordingObserver observer;
    /** Every exchange the proxy ended, as the access log and the metrics would hear it. */
    final Queue<ExchangeRecord> exchanges;

    private ProxyServer(Proxy proxy, WebServer server, RecordingObserver observer, Queue<ExchangeRecord> exchanges) {
        this.proxy = proxy;
        this.server = server;
        this.observer = observer;
        this.exchanges = exchanges;
    }

    /** The defaults, with error replies that name the upstream and what failed: for tests of those failures. */
    static final ProxySettings DETAILED = ProxySettings.defaults().withDetailedErrors(true);

    static ProxyServer start(ResolveRoute routes) {
        return start(routes, ProxySettings.defaults());
    }

    static ProxyServer start(ResolveRoute routes, ProxySettings settings) {
        return start(routes, settings, listener -> { });
    }

    /** With more listener settings (TLS), applied before the proxy's own. */
    static ProxyServer start(ResolveRoute routes, ProxySettings settings, Consumer<WebServerConfig.Builder> listener) {
        return start(routes, settings, listener, Proxy.DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    /** With a WebSocket idle timeout for every route. */
    static ProxyServer start(ResolveRoute routes, ProxySettings settings, Consumer<WebServerConfig.Builder> listener,
                             Duration webSocketIdleTimeout) {
        RecordingObserver observer = new RecordingObserver();
        Queue<ExchangeRecord> exchanges = new ConcurrentLinkedQueue<>();
        ExchangeSink recording = new ExchangeSink() {
            @Override
            public boolean wantsDetails() {
                return true;
            }

            @Override
            public void completed(ExchangeRecord exchange) {
                exchanges.add(exchange);
            }
        };
        Proxy proxy = Proxy.create(routes, settings, observer, new Observation(recording, false),
                route -> webSocketIdleTimeout);
        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(0)
                .routing(proxy::register);
        listener.accept(builder);
        proxy.configure(builder);
        return new ProxyServer(proxy, builder.build().start(), observer, exchanges);
    }

    int port() {
        return server.port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    public void close() {
        server.stop();
        proxy.close();
    }

    // ---- building configuration with the real domain types ----

    /** An upstream named {@code name} with one target per URL, weight 1. */
    static Upstream upstream(String name, String... urls) {
        List<Upstream.TargetSpec> targets = Arrays.stream(urls).map(url -> new Upstream.TargetSpec(url, null)).toList();
        return switch (Upstream.parse(name, targets)) {
            case Validated.Valid<Upstream> valid -> valid.value();
            case Validated.Invalid<Upstream> invalid -> throw new IllegalArgumentException(invalid.errors().toString());
        };
    }

    /** A route for any host. */
    static Route route(String name, String pathPrefix, String upstream) {
        return route(name, pathPrefix, upstream, false, false, Route.DEFAULT_TIMEOUT);
    }

    /** A route for one host, every path. */
    static Route hostRoute(String name, String host, String upstream) {
        return new Route(name, List.of(new dev.portico.domain.model.HostPattern(host)), "/", upstream, false, false,
                Route.DEFAULT_TIMEOUT);
    }

    static Route route(String name, String pathPrefix, String upstream, boolean stripPrefix, boolean preserveHost,
                       Duration timeout) {
        return new Route(name, List.of(), pathPrefix, upstream, stripPrefix, preserveHost, timeout);
    }

    static ResolveRoute routes(Upstream upstream, Route... routes) {
        return RoutingTable.build(new Configuration(1, List.of(upstream), List.of(routes)))::resolve;
    }

    static ResolveRoute routes(List<Upstream> upstreams, Route... routes) {
        return RoutingTable.build(new Configuration(1, upstreams, List.of(routes)))::resolve;
    }

    /** Everything under "/" to one upstream named "app" at these URLs. */
    static ResolveRoute everythingTo(String... urls) {
        return routes(upstream("app", urls), route("all", "/", "app"));
    }

    /** Hears every outcome, in order, as short strings such as "forwarded 200" or "upstream failed CLOSED". */
    static final class RecordingObserver implements ExchangeObserver {
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        /** Every failed attempt, retried or not: when ({@link System#nanoTime()}) and to which target URL. */
        final Queue<FailedAttempt> failures = new ConcurrentLinkedQueue<>();

        record FailedAttempt(long at, String target, UpstreamFailure failure) {
        }

        @Override
        public void forwarded(ResolvedRoute route, Target target, int status) {
            events.add("forwarded " + status);
        }

        @Override
        public void upstreamFailed(ResolvedRoute route, Target target, UpstreamFailure failure) {
            failures.add(new FailedAttempt(System.nanoTime(), target.url(), failure));
            events.add("upstream failed " + failure);
        }

        @Override
        public void retried(ResolvedRoute route, Target target, UpstreamFailure failure) {
            failures.add(new FailedAttempt(System.nanoTime(), target.url(), failure));
            events.add("retried " + failure);
        }

        @Override
        public void clientAborted(ResolvedRoute route, Target target) {
            events.add("client aborted");
        }

        /** The next event, waiting up to ten seconds for it. */
        String next() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no exchange outcome was reported");
            }
            return event;
        }

        List<String> drain() {
            List<String> all = new ArrayList<>();
            events.drainTo(all);
            return all;
        }
    }
}
