package dev.portico.domain.service;

import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.model.ResolvedRoute;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Route.RouteSpec;
import dev.portico.domain.model.RoutingDecision;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.PutOutcome;
import dev.portico.domain.validation.FieldError;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationServiceTest {
    private final InMemoryConfigStore store = new InMemoryConfigStore();
    private final Routing routing = new Routing(store);
    private final ConfigurationService service = new ConfigurationService(store, routing);

    static List<TargetSpec> targets(String... urls) {
        return Arrays.stream(urls).map(url -> new TargetSpec(url, null)).toList();
    }

    static RouteSpec spec(String prefix, String upstream) {
        return new RouteSpec(null, prefix, upstream, null, null, null);
    }

    static List<FieldError> rejections(PutOutcome<?> outcome) {
        assertThat(outcome).isInstanceOf(PutOutcome.Rejected.class);
        return ((PutOutcome.Rejected<?>) outcome).errors();
    }

    /** The route and target host serving a request, or "none". */
    String live(String host, String path) {
        return switch (routing.resolve(host, path)) {
            case ResolvedRoute resolved -> resolved.route().name() + "->" + resolved.balancer().next().host();
            case RoutingDecision.NoRoute none -> "none";
        };
    }

    @Test
    void createsAnUpstreamAndThenReplacesIt() {
        PutOutcome<Upstream> created = service.putUpstream("users", targets("http://a:1"));
        PutOutcome<Upstream> replaced = service.putUpstream("users", targets("http://b:1", "http://c:1"));

        assertThat(created).isInstanceOfSatisfying(PutOutcome.Created.class, c -> assertThat(c.revision()).isEqualTo(1));
        assertThat(replaced).isInstanceOfSatisfying(PutOutcome.Replaced.class, r -> assertThat(r.revision()).isEqualTo(2));
        assertThat(service.upstreams()).singleElement().extracting(Upstream::targets)
                .asInstanceOf(InstanceOfAssertFactories.list(Target.class))
                .extracting(Target::host).containsExactly("b", "c");
        assertThat(service.upstream("users")).isPresent();
        assertThat(service.upstream("nobody")).isEmpty();
        assertThat(routing.current().revision()).isEqualTo(2);
    }

    @Test
    void aRouteIsLiveWhenPutRouteReturns() {
        service.putUpstream("users", targets("http://a:1"));

        PutOutcome<Route> outcome = service.putRoute("api", new RouteSpec(List.of("api.test"), "/api/", "users", true, null, null));

        assertThat(outcome).isInstanceOfSatisfying(PutOutcome.Created.class, c -> assertThat(c.revision()).isEqualTo(2));
        assertThat(live("api.test", "/api/x")).isEqualTo("api->a");
        assertThat(live("other.test", "/api/x")).isEqualTo("none");
        assertThat(service.routes()).extracting(Route::name).containsExactly("api");
        assertThat(service.route("api")).get().extracting(Route::stripPrefix).isEqualTo(true);
    }

    @Test
    void aReplacedRouteAndAReplacedUpstreamAreLiveWhenTheCallReturns() {
        service.putUpstream("users", targets("http://a:1"));
        service.putUpstream("orders", targets("http://o:1"));
        service.putRoute("api", spec("/api/", "users"));

        PutOutcome<Route> replaced = service.putRoute("api", spec("/v2/", "orders"));
        assertThat(replaced).isInstanceOf(PutOutcome.Replaced.class);
        assertThat(live("h", "/api/x")).isEqualTo("none");
        assertThat(live("h", "/v2/x")).isEqualTo("api->o");

        service.putUpstream("orders", targets("http://p:1"));
        assertThat(live("h", "/v2/x")).isEqualTo("api->p");
    }

    @Test
    void aDeletedRouteStopsMatchingWhenTheCallReturns() {
        service.putUpstream("users", targets("http://a:1"));
        service.putRoute("api", spec("/api/", "users"));

        assertThat(service.deleteRoute("api")).isEqualTo(new Deletion.Deleted(3));
        assertThat(live("h", "/api/x")).isEqualTo("none");
        assertThat(routing.current().revision()).isEqualTo(3);
        assertThat(service.deleteRoute("api")).isSameAs(Deletion.NotFound.INSTANCE);
        assertThat(store.revision()).isEqualTo(3);
    }

    @Test
    void anUpstreamInUseIsKeptAndTheRoutesUsingItAreNamed() {
        service.putUpstream("users", targets("http://a:1"));
        service.putUpstream("spare", targets("http://s:1"));
        service.putRoute("web", spec("/", "users"));
        service.putRoute("api", spec("/api/", "users"));
        service.putRoute("other", spec("/other/", "spare"));

        Deletion refused = service.deleteUpstream("users");

        assertThat(refused).isInstanceOfSatisfying(Deletion.InUse.class,
                inUse -> assertThat(inUse.routes()).containsExactlyInAnyOrder("web", "api"));
        assertThat(service.upstream("users")).isPresent();
        assertThat(live("h", "/api/x")).isEqualTo("api->a");
        assertThat(store.revision()).isEqualTo(5);
    }

    @Test
    void anUnusedUpstreamIsDeleted() {
        service.putUpstream("users", targets("http://a:1"));
        service.putRoute("api", spec("/api/", "users"));
        service.deleteRoute("api");

        assertThat(service.deleteUpstream("users")).isEqualTo(new Deletion.Deleted(4));
        assertThat(service.upstreams()).isEmpty();
        assertThat(routing.current().configuration().upstreams()).isEmpty();
        assertThat(service.deleteUpstream("users")).isSameAs(Deletion.NotFound.INSTANCE);
    }

    @Test
    void rejectedInputStoresNothing() {
        PutOutcome<Upstream> badUpstream = service.putUpstream("users", targets("ftp://a"));
        PutOutcome<Route> badRoute = service.putRoute("bad name", spec("api", "users"));

        assertThat(rejections(badUpstream)).extracting(FieldError::field).containsExactly("targets[0].url");
        assertThat(rejections(badRoute)).extracting(FieldError::field).containsExactly("name", "pathPrefix");
        assertThat(store.revision()).isZero();
        assertThat(service.upstreams()).isEmpty();
        assertThat(service.routes()).isEmpty();
    }

    @Test
    void aRouteToAnUnknownUpstreamIsRejectedNamingTheUpstreamField() {
        service.putUpstream("users", targets("http://a:1"));

        PutOutcome<Route> outcome = service.putRoute("api", spec("/api/", "nobody"));

        assertThat(rejections(outcome)).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("upstream");
            assertThat(error.message()).contains("nobody");
        });
        assertThat(service.routes()).isEmpty();
        assertThat(store.revision()).isEqualTo(1);
    }

    @Test
    void everyWriteIsLiveWhenItsCallReturnsEvenWithConcurrentWriters() throws Exception {
        service.putUpstream("users", targets("http://a:1"));
        int writers = 8;
        int routesEach = 25;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> notLive = new ArrayList<>();
                    for (int i = 0; i < routesEach; i++) {
                        String name = "w" + writer + "-" + i;
                        PutOutcome<Route> outcome = service.putRoute(name, spec("/" + name + "/", "users"));
                        boolean created = outcome instanceof PutOutcome.Created<Route> c
                                && routing.current().revision() >= c.revision();
                        if (!created || live("h", "/" + name + "/").equals("none")) {
                            notLive.add(name);
                        }
                    }
                    return notLive;
                }));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                assertThat(result.get()).isEmpty();
            }
        }
        assertThat(routing.current().revision()).isEqualTo(1 + writers * routesEach).isEqualTo(store.revision());
        assertThat(routing.current().configuration().routes()).hasSize(writers * routesEach);
    }
}
