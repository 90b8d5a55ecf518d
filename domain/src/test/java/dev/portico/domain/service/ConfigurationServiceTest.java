package dev.portico.domain.service;

import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.balancing.Selection;
import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationDiff;
import dev.portico.domain.model.ConfigurationSpec;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Route.RouteSpec;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ApplyOutcome;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.PutOutcome;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.domain.validation.FieldError;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
            case ResolvedRoute resolved -> resolved.route().name() + "->" + chosenHost(resolved.balancer());
            case RoutingDecision.NoRoute none -> "none";
            case RoutingDecision.BadPath bad -> "bad path";
        };
    }

    /** The host a request would be sent to; the hold on it is released at once. */
    private static String chosenHost(LoadBalancer balancer) {
        return switch (balancer.select(RequestKey.NONE)) {
            case Selection.Chosen chosen -> {
                chosen.lease().release(RequestOutcome.SUCCESS);
                yield chosen.target().host();
            }
            case Selection.AllFull full -> "all full";
            case Selection.NoneAvailable none -> "none available";
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

    static final Change CI = new Change("ci", "PUT");

    static ConfigurationSpec document(Map<String, List<TargetSpec>> upstreams, Map<String, RouteSpec> routes) {
        return ConfigurationSpec.ofTargets(upstreams, routes);
    }

    @Test
    void aPutWhoseIfMatchNoLongerHoldsIsRefusedAndStoresNothing() {
        PutOutcome<Upstream> created = service.putUpstream("users", targets("http://a:1"),
                Precondition.MustBeAbsent.INSTANCE, CI);
        service.putUpstream("users", targets("http://b:1"));

        PutOutcome<Upstream> stale = service.putUpstream("users", targets("http://c:1"),
                new Precondition.RevisionIn(Set.of(((PutOutcome.Created<Upstream>) created).revision())), CI);
        PutOutcome<Upstream> createOnly = service.putUpstream("users", targets("http://c:1"),
                Precondition.MustBeAbsent.INSTANCE, CI);

        assertThat(stale).isEqualTo(new PutOutcome.PreconditionFailed<Upstream>(OptionalLong.of(2)));
        assertThat(createOnly).isEqualTo(new PutOutcome.PreconditionFailed<Upstream>(OptionalLong.of(2)));
        assertThat(store.revision()).isEqualTo(2);
        assertThat(service.upstream("users").orElseThrow().targets().getFirst().host()).isEqualTo("b");
    }

    @Test
    void aPutWhoseIfMatchHoldsWritesAndMovesTheResourcesRevision() {
        service.putUpstream("users", targets("http://a:1"));
        service.putUpstream("other", targets("http://o:1"));

        PutOutcome<Upstream> replaced = service.putUpstream("users", targets("http://b:1"),
                new Precondition.RevisionIn(Set.of(1L)), CI);

        assertThat(replaced).isInstanceOfSatisfying(PutOutcome.Replaced.class, r -> assertThat(r.revision()).isEqualTo(3));
        assertThat(service.storedUpstream("users").orElseThrow().revision()).isEqualTo(3);
        assertThat(service.storedUpstream("other").orElseThrow().revision()).isEqualTo(2);
    }

    @Test
    void deletesAndRoutePutsHonourTheirPreconditions() {
        service.putUpstream("users", targets("http://a:1"));
        service.putRoute("api", spec("/api/", "users"));

        assertThat(service.deleteRoute("api", new Precondition.RevisionIn(Set.of(1L)), CI))
                .isEqualTo(new Deletion.PreconditionFailed(OptionalLong.of(2)));
        assertThat(service.deleteRoute("ghost", Precondition.MustExist.INSTANCE, CI))
                .isEqualTo(new Deletion.PreconditionFailed(OptionalLong.empty()));
        assertThat(service.putRoute("api", spec("/v2/", "users"), Precondition.MustBeAbsent.INSTANCE, CI))
                .isEqualTo(new PutOutcome.PreconditionFailed<Route>(OptionalLong.of(2)));
        assertThat(service.deleteUpstream("users", new Precondition.RevisionIn(Set.of(9L)), CI))
                .isInstanceOf(Deletion.PreconditionFailed.class);
        assertThat(service.deleteRoute("api", new Precondition.RevisionIn(Set.of(2L)), CI)).isEqualTo(new Deletion.Deleted(3));
        assertThat(live("h", "/api/x")).isEqualTo("none");
    }

    @Test
    void applyingADocumentReplacesEverythingInOneRevisionAndIsLiveWhenItReturns() {
        service.putUpstream("users", targets("http://a:1"));
        service.putUpstream("gone", targets("http://g:1"));
        service.putRoute("old", spec("/old/", "gone"));
        service.putRoute("api", spec("/api/", "users"));

        ApplyOutcome outcome = service.apply(document(
                Map.of("users", targets("http://a:1"), "orders", targets("http://o:1")),
                Map.of("api", spec("/api/", "orders"), "web", spec("/", "users"))), Precondition.Unconditional.INSTANCE, CI);

        assertThat(outcome).isInstanceOfSatisfying(ApplyOutcome.Applied.class, applied -> {
            assertThat(applied.revision()).isEqualTo(5);
            assertThat(applied.diff().added()).isEqualTo(new ConfigurationDiff.Names(List.of("orders"), List.of("web")));
            assertThat(applied.diff().changed()).isEqualTo(new ConfigurationDiff.Names(List.of(), List.of("api")));
            assertThat(applied.diff().removed()).isEqualTo(new ConfigurationDiff.Names(List.of("gone"), List.of("old")));
        });
        assertThat(live("h", "/api/x")).isEqualTo("api->o");
        assertThat(live("h", "/old/x")).isEqualTo("web->a");
        assertThat(service.storedUpstream("users").orElseThrow().revision()).as("unchanged keeps its revision").isEqualTo(1);
        assertThat(service.storedRoute("api").orElseThrow().revision()).isEqualTo(5);
        assertThat(service.status().revision()).isEqualTo(5);
        assertThat(service.status().routes()).isEqualTo(2);
        assertThat(service.status().upstreams()).isEqualTo(2);
    }

    @Test
    void applyingTheSameDocumentAgainChangesNothingNotEvenTheRevision() {
        ConfigurationSpec spec = document(Map.of("users", targets("http://a:1")), Map.of("api", spec("/api/", "users")));
        service.apply(spec, Precondition.Unconditional.INSTANCE, CI);

        ApplyOutcome again = service.apply(spec, Precondition.Unconditional.INSTANCE, CI);

        assertThat(again).isInstanceOfSatisfying(ApplyOutcome.Applied.class, applied -> {
            assertThat(applied.diff().isEmpty()).isTrue();
            assertThat(applied.revision()).isEqualTo(1);
        });
        assertThat(store.revision()).isEqualTo(1);
    }

    @Test
    void anInvalidDocumentIsRejectedWithEveryPathAndStoresNothing() {
        service.putUpstream("users", targets("http://a:1"));

        ApplyOutcome outcome = service.apply(document(
                Map.of("app", targets("ftp://x")), Map.of("api", spec("/api/", "users"))),
                Precondition.Unconditional.INSTANCE, CI);

        assertThat(outcome).isInstanceOfSatisfying(ApplyOutcome.Rejected.class, rejected ->
                assertThat(rejected.errors()).extracting(FieldError::field)
                        .containsExactly("upstreams.app.targets[0].url", "routes.api.upstream"));
        assertThat(store.revision()).isEqualTo(1);
    }

    @Test
    void applyingOnlyAtTheRevisionAskedForRefusesAfterAnotherChange() {
        service.putUpstream("users", targets("http://a:1"));
        ConfigurationSpec spec = document(Map.of(), Map.of());

        ApplyOutcome stale = service.apply(spec, new Precondition.RevisionIn(Set.of(0L)), CI);
        ApplyOutcome current = service.apply(spec, new Precondition.RevisionIn(Set.of(1L)), CI);

        assertThat(stale).isEqualTo(new ApplyOutcome.PreconditionFailed(1));
        assertThat(current).isInstanceOf(ApplyOutcome.Applied.class);
        assertThat(service.upstreams()).isEmpty();
    }

    @Test
    void aPreviewAnswersTheDiffAndChangesNothing() {
        service.putUpstream("users", targets("http://a:1"));
        Configuration before = store.load();

        ApplyOutcome preview = service.preview(document(Map.of("orders", targets("http://o:1")), Map.of()),
                Precondition.Unconditional.INSTANCE);

        assertThat(preview).isEqualTo(new ApplyOutcome.Previewed(new ConfigurationDiff(
                new ConfigurationDiff.Names(List.of("orders"), List.of()), ConfigurationDiff.Names.NONE,
                new ConfigurationDiff.Names(List.of("users"), List.of())), 1));
        assertThat(store.load()).isEqualTo(before);
        assertThat(service.preview(document(Map.of(), Map.of()), new Precondition.RevisionIn(Set.of(0L))))
                .isEqualTo(new ApplyOutcome.PreconditionFailed(1));
        assertThat(service.configuration()).isEqualTo(before);
    }

    @Test
    void everyCommittedChangeIsAuditedWithItsActorAndNothingRefusedIs() {
        service.putUpstream("users", targets("http://a:1"), Precondition.Unconditional.INSTANCE, CI);
        service.putUpstream("users", targets("http://a:1", "http://b:1"), Precondition.Unconditional.INSTANCE, CI);
        service.putUpstream("users", targets("ftp://bad"), Precondition.Unconditional.INSTANCE, CI);
        service.putRoute("api", spec("/api/", "users"), Precondition.MustExist.INSTANCE, CI);
        service.putRoute("api", spec("/api/", "users"), Precondition.Unconditional.INSTANCE, new Change("ops", "PUT"));
        service.deleteRoute("api", Precondition.Unconditional.INSTANCE, new Change("ops", "DELETE"));

        List<AuditEntry> entries = store.auditLog().latest(10);

        assertThat(entries).extracting(AuditEntry::actor, AuditEntry::method, AuditEntry::resource,
                AuditEntry::summary, AuditEntry::revision).containsExactly(
                tuple("ops", "DELETE", "routes/api", "deleted", 4L),
                tuple("ops", "PUT", "routes/api", "created: /api/ -> users", 3L),
                tuple("ci", "PUT", "upstreams/users", "targets 1 -> 2", 2L),
                tuple("ci", "PUT", "upstreams/users", "created: 1 target", 1L));
        assertThat(store.auditLog().latest(1)).singleElement().extracting(AuditEntry::revision).isEqualTo(4L);
    }
}
