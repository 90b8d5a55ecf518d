package dev.portico.persistence;

import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.ConfigurationDiff;
import dev.portico.domain.model.ConfigurationStatus;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.HealthCheck;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Hsts;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.model.UpstreamTls;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.Replacement;
import dev.portico.domain.port.StoreWrite;
import dev.portico.domain.testing.WriteLedger;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static dev.portico.persistence.Fixtures.route;
import static dev.portico.persistence.Fixtures.target;
import static dev.portico.persistence.Fixtures.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What every ConfigStore on a real database must do; one subclass per database. */
abstract class ConfigStoreContract {
    private static final Change OPS = new Change("ops", "PUT");

    /** This test's database: a fresh one for every test, the same one for every call within it. */
    protected abstract DatabaseSettings settings();

    /** Opens this test's database, migrated: a fresh one on the first call, the same one again on later calls. */
    protected Database openDatabase() {
        return Database.open(settings());
    }

    @Test
    void savingANewUpstreamCreatesItAndSavingItAgainReplacesIt() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            Upstream first = upstream("api", target("http://10.0.0.1:8080", 1), target("http://10.0.0.2:8080", 2));
            Upstream second = upstream("api", target("http://10.0.0.3:8080", 5));

            assertThat(store.saveUpstream(first)).isEqualTo(new StoreWrite.Written(true, 1));
            assertThat(store.saveUpstream(second)).isEqualTo(new StoreWrite.Written(false, 2));

            assertThat(store.upstream("api")).contains(second);
            assertThat(store.upstreams()).containsExactly(second);
        }
    }

    @Test
    void targetsKeepTheirOrderWeightsSchemesPortsAndBasePaths() {
        try (Database db = openDatabase()) {
            Upstream upstream = upstream("mixed",
                    target("https://z.example.com", 3),
                    target("http://[::1]:8081/base/path%20x", 0),
                    target("http://a.example.com:80", 1000),
                    target("http://127.0.0.1:9001/v1", 1));

            db.configStore().saveUpstream(upstream);

            Upstream stored = db.configStore().upstream("mixed").orElseThrow();
            assertThat(stored).isEqualTo(upstream);
            assertThat(stored.targets()).extracting(t -> t.host())
                    .containsExactly("z.example.com", "[::1]", "a.example.com", "127.0.0.1");
        }
    }

    @Test
    void everyBalancingHealthAndRetrySettingIsKeptAndReplacedWithTheUpstream() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            Upstream tuned = new Upstream("tuned",
                    List.of(target("http://10.0.0.1:8080", 2).withLimits(100, false),
                            target("http://10.0.0.2:8080", 1).withLimits(0, true)),
                    Policy.HASH, new HashOn.Cookie("sid"),
                    Optional.of(new HealthCheck("/healthz", Duration.ofMillis(500), Duration.ofMillis(200), 2, 3, 200, 299)),
                    new PassiveHealth(5, Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMinutes(1), true),
                    new RetryPolicy(4, Duration.ofSeconds(3)));
            Upstream plain = upstream("tuned", target("http://10.0.0.1:8080", 2));

            store.saveUpstream(tuned);
            assertThat(store.upstream("tuned")).contains(tuned);
            assertThat(store.load().upstreams()).containsExactly(tuned);

            store.saveUpstream(plain);
            assertThat(store.upstream("tuned")).contains(plain);
            assertThat(db.auditLog().latest(1).getFirst().summary())
                    .contains("targets 2 -> 1", "targets[0].maxConnections 100 -> 0", "policy hash -> round_robin",
                            "hashOn cookie:sid -> client_ip", "healthCheck GET /healthz every 500 ms");
        }
    }

    @Test
    void anUpstreamsCaBundleIsKeptReplacedAndCleared() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            UpstreamTls bundle = new UpstreamTls(Optional.of("# the store test CA\n" + Fixtures.caPem()));
            Upstream privateCa = new Upstream("api", List.of(target("https://api.internal:8443", 1)),
                    Policy.ROUND_ROBIN, HashOn.CLIENT_IP, Optional.empty(), PassiveHealth.DEFAULT, RetryPolicy.DEFAULT,
                    bundle);
            Upstream jdkTrust = upstream("api", target("https://api.internal:8443", 1));

            store.saveUpstream(privateCa);
            assertThat(store.upstream("api")).contains(privateCa);
            assertThat(store.upstream("api").orElseThrow().targets().getFirst().tls()).isEqualTo(bundle);
            assertThat(db.auditLog().latest(1).getFirst().summary()).isEqualTo("created: 1 target");

            store.saveUpstream(jdkTrust);
            assertThat(store.upstream("api")).contains(jdkTrust);
            assertThat(db.auditLog().latest(1).getFirst().summary())
                    .isEqualTo("tls CA bundle of 1 certificate (CN=Store Test CA) -> JDK trust store");

            store.replaceAll(new ConfigurationContent(List.of(privateCa), List.of()), Precondition.Unconditional.INSTANCE,
                    OPS);
            assertThat(store.load().upstreams()).containsExactly(privateCa);
        }
    }

    @Test
    void replacingTheWholeConfigurationChangesAnUpstreamWhoseOnlyChangeIsASetting() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            Upstream before = upstream("api", target("http://10.0.0.1:8080", 1));
            store.saveUpstream(before);
            Upstream drained = upstream("api", target("http://10.0.0.1:8080", 1).withLimits(0, true));

            store.replaceAll(new ConfigurationContent(List.of(drained), List.of()), Precondition.Unconditional.INSTANCE, OPS);

            assertThat(store.upstream("api")).contains(drained);
        }
    }

    @Test
    void routesKeepTheirHostsInOrderWildcardsIncludedAndEveryField() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("web", 1));
            Route route = new Route("site",
                    List.of(new HostPattern("www.example.com"), new HostPattern("*.example.org"),
                            new HostPattern("api.example.net")),
                    "/api%2Fv1/", "web", true, true, Duration.ofMillis(1500));
            Route anyHost = route("catch-all", "web");

            assertThat(store.saveRoute(route)).isEqualTo(new StoreWrite.Written(true, 2));
            store.saveRoute(anyHost);

            assertThat(store.route("site")).contains(route);
            assertThat(store.route("catch-all")).contains(anyHost);
            assertThat(store.route("catch-all").orElseThrow().hosts()).isEmpty();
        }
    }

    @Test
    void httpsRedirectHstsAndWebSocketIdleTimeoutAreKeptReplacedAndCleared() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("web", 1));
            Route secure = new Route("site", List.of(new HostPattern("example.com")), "/", "web", false, false,
                    Route.DEFAULT_TIMEOUT, true, Optional.of(new Hsts(Duration.ofSeconds(31_536_000), true, true)),
                    Duration.ofSeconds(90));
            Route maxAgeZero = new Route("site", List.of(), "/", "web", false, false, Route.DEFAULT_TIMEOUT, false,
                    Optional.of(new Hsts(Duration.ZERO, false, false)), Duration.ofHours(24));
            Route plain = route("site", "web");

            store.saveRoute(secure);
            assertThat(store.route("site")).contains(secure);
            store.saveRoute(maxAgeZero);
            assertThat(store.route("site")).contains(maxAgeZero);
            store.saveRoute(plain);
            assertThat(store.route("site")).contains(plain);
            assertThat(store.route("site").orElseThrow().hsts()).isEmpty();

            store.replaceAll(new ConfigurationContent(List.of(upstream("web", 1)), List.of(secure)),
                    Precondition.Unconditional.INSTANCE, OPS);
            assertThat(store.load().routes()).containsExactly(secure);
        }
    }

    @Test
    void replacingARouteReplacesItsHostsAndFields() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("one", 1));
            store.saveUpstream(upstream("two", 1));
            store.saveRoute(route("site", "one", "a.example.com", "b.example.com", "*.c.example.com"));
            Route replacement = new Route("site", List.of(new HostPattern("d.example.com")), "/new/", "two",
                    true, false, Duration.ofSeconds(5));

            assertThat(store.saveRoute(replacement)).isEqualTo(new StoreWrite.Written(false, 4));

            assertThat(store.route("site")).contains(replacement);
            assertThat(store.routes()).containsExactly(replacement);
        }
    }

    @Test
    void listsAreOrderedByNameCharacterByCharacterWhateverTheDatabaseLocale() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            List<String> names = List.of("b", "aa", "a.b", "A", "a-b", "0");
            for (String name : names) {
                store.saveUpstream(upstream(name, 1));
                store.saveRoute(route(name, name));
            }

            List<String> expected = List.of("0", "A", "a-b", "a.b", "aa", "b");
            assertThat(store.upstreams()).extracting(Upstream::name).containsExactlyElementsOf(expected);
            assertThat(store.routes()).extracting(Route::name).containsExactlyElementsOf(expected);
            Configuration loaded = store.load();
            assertThat(loaded.upstreams()).extracting(Upstream::name).containsExactlyElementsOf(expected);
            assertThat(loaded.routes()).extracting(Route::name).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void unknownNamesAreAbsent() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("known", 1));
            store.saveRoute(route("known", "known"));

            assertThat(store.upstream("unknown")).isEmpty();
            assertThat(store.route("unknown")).isEmpty();
            assertThat(store.upstream("KNOWN")).as("names are case-sensitive").isEmpty();
        }
    }

    @Test
    void deletingARouteRemovesItAndAnUnknownRouteIsNotFoundWithoutANewRevision() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("web", 1));
            store.saveRoute(route("site", "web", "example.com"));

            assertThat(store.deleteRoute("site")).isEqualTo(new Deletion.Deleted(3));
            assertThat(store.route("site")).isEmpty();
            assertThat(store.deleteRoute("site")).isEqualTo(Deletion.NotFound.INSTANCE);
            assertThat(store.revision()).isEqualTo(3);

            // Its hosts went with it: the same name starts afresh.
            store.saveRoute(route("site", "web"));
            assertThat(store.route("site").orElseThrow().hosts()).isEmpty();
        }
    }

    @Test
    void deletingAnUnknownUpstreamIsNotFoundWithoutANewRevision() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("kept", 1));

            assertThat(store.deleteUpstream("ghost")).isEqualTo(Deletion.NotFound.INSTANCE);

            assertThat(store.revision()).isEqualTo(1);
            assertThat(store.upstreams()).extracting(Upstream::name).containsExactly("kept");
        }
    }

    @Test
    void aRouteToAnUnknownUpstreamIsRefusedAndNothingIsStored() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("real", 1));

            assertThat(store.saveRoute(route("lost", "ghost"))).isEqualTo(new StoreWrite.UpstreamMissing("ghost"));

            assertThat(store.route("lost")).isEmpty();
            assertThat(store.routes()).isEmpty();
            assertThat(store.revision()).isEqualTo(1);
        }
    }

    @Test
    void anUpstreamInUseIsKeptAndTheAnswerNamesItsRoutesSorted() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            Upstream shared = upstream("shared", target("http://10.0.0.1:80", 2));
            store.saveUpstream(shared);
            store.saveUpstream(upstream("other", 1));
            store.saveRoute(route("zeta", "shared"));
            store.saveRoute(route("alpha", "shared"));
            store.saveRoute(route("middle", "other"));

            assertThat(store.deleteUpstream("shared")).isEqualTo(new Deletion.InUse(List.of("alpha", "zeta")));

            assertThat(store.upstream("shared")).contains(shared);
            assertThat(store.revision()).isEqualTo(5);
        }
    }

    @Test
    void deletingAnUnusedUpstreamRemovesItWithItsTargets() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("old", target("http://10.0.0.1:80", 1), target("http://10.0.0.2:80", 1)));
            store.saveRoute(route("site", "old"));
            store.deleteRoute("site");

            assertThat(store.deleteUpstream("old")).isEqualTo(new Deletion.Deleted(4));

            assertThat(store.upstream("old")).isEmpty();
            Upstream again = upstream("old", target("http://10.0.0.9:80", 7));
            assertThat(store.saveUpstream(again)).isEqualTo(new StoreWrite.Written(true, 5));
            assertThat(store.upstream("old")).contains(again);
        }
    }

    @Test
    void everyWriteIncrementsTheRevisionByExactlyOne() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            assertThat(store.revision()).isZero();

            List<Long> revisions = new ArrayList<>();
            revisions.add(store.saveUpstream(upstream("u", 1)).revision());
            revisions.add(((StoreWrite.Written) store.saveRoute(route("r", "u"))).revision());
            revisions.add(store.saveUpstream(upstream("u", 2)).revision());
            revisions.add(((StoreWrite.Written) store.saveRoute(route("r", "u", "example.com"))).revision());
            revisions.add(((Deletion.Deleted) store.deleteRoute("r")).revision());
            revisions.add(((Deletion.Deleted) store.deleteUpstream("u")).revision());

            assertThat(revisions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(store.revision()).isEqualTo(6);
        }
    }

    @Test
    void loadReturnsEverythingWithTheRevisionItReflects() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            assertThat(store.load()).isEqualTo(Configuration.empty());
            Upstream b = upstream("b", target("http://10.0.0.2:80", 1), target("http://10.0.0.3:80", 4));
            Upstream a = upstream("a", 3);
            Route site = route("site", "b", "example.com", "*.example.com");
            Route api = route("api", "a");
            store.saveUpstream(b);
            store.saveUpstream(a);
            store.saveRoute(site);
            store.saveRoute(api);

            assertThat(store.load()).isEqualTo(new Configuration(4, List.of(a, b), List.of(api, site)));
        }
    }

    @Test
    void loadNeverLabelsContentWithARevisionItDoesNotReflect() throws Exception {
        try (Database db = openDatabase()) {
            ConfigStore writer = db.configStore();
            writer.saveUpstream(upstream("early", 1));
            // A write commits on another connection exactly between load()'s revision read and its content reads.
            AtomicBoolean interfered = new AtomicBoolean();
            Runnable interfere = () -> {
                if (interfered.compareAndSet(false, true)) {
                    runOnAnotherThread(() -> {
                        writer.saveUpstream(upstream("late", 1));
                        writer.saveRoute(route("late", "late"));
                    });
                }
            };
            ConfigStore reader = new JdbiConfigStore(db.jdbi(), db.snapshotIsolation(), Clock.systemUTC(),
                    db.writeLock(), interfere);

            Configuration during = reader.load();
            Configuration after = reader.load();

            assertThat(interfered).isTrue();
            assertThat(during).isEqualTo(new Configuration(1, List.of(upstream("early", 1)), List.of()));
            assertThat(after.revision()).isEqualTo(3);
            assertThat(after.upstreams()).extracting(Upstream::name).containsExactly("early", "late");
            assertThat(after.routes()).extracting(Route::name).containsExactly("late");
        }
    }

    @Test
    void concurrentWritersGetDistinctConsecutiveRevisionsAndTheLastWriteOfEachResourceIsKept() throws Exception {
        int writers = 8;
        int rounds = 25; // two writes a round: 50 writes per writer
        try (Database db = openDatabase();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ConfigStore store = db.configStore();
            long start = store.revision();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String name = "w" + w;
                results.add(threads.submit(() -> {
                    go.await();
                    List<Long> revisions = new ArrayList<>();
                    for (int round = 1; round <= rounds; round++) {
                        revisions.add(store.saveUpstream(upstream(name, round)).revision());
                        StoreWrite write = store.saveRoute(route(name, name, Duration.ofMillis(round)));
                        revisions.add(((StoreWrite.Written) write).revision());
                    }
                    return revisions;
                }));
            }
            go.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                List<Long> own = result.get();
                assertThat(own).as("one writer's revisions follow its own order").isSorted();
                all.addAll(own);
            }

            long writes = (long) writers * rounds * 2;
            assertThat(all).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(start + 1, start + writes).boxed().toList());
            Configuration end = store.load();
            assertThat(end.revision()).isEqualTo(start + writes);
            for (int w = 0; w < writers; w++) {
                assertThat(store.upstream("w" + w)).contains(upstream("w" + w, rounds));
                assertThat(store.route("w" + w)).contains(route("w" + w, "w" + w, Duration.ofMillis(rounds)));
            }
        }
    }

    @Test
    void everyLoadDuringConcurrentWritesIsExactlyTheContentOfItsRevision() throws Exception {
        int writers = 4;
        int rounds = 25;
        int readers = 3;
        // Readers on platform threads: a virtual thread spinning on embedded H2 never blocks, so it would keep its
        // carrier and starve the writers.
        try (Database db = openDatabase();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService readerThreads = Executors.newFixedThreadPool(readers)) {
            ConfigStore store = db.configStore();
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String name = "w" + w;
                writes.add(threads.submit(() -> {
                    go.await();
                    for (int round = 1; round <= rounds; round++) {
                        store.saveUpstream(upstream(name, round));
                        store.saveRoute(route(name, name, Duration.ofMillis(round)));
                    }
                    return null;
                }));
            }
            List<Future<List<Configuration>>> loads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                loads.add(readerThreads.submit(() -> {
                    go.await();
                    List<Configuration> seen = new ArrayList<>();
                    while (writing.get()) {
                        seen.add(store.load());
                    }
                    return seen;
                }));
            }
            go.countDown();
            for (Future<?> write : writes) {
                write.get();
            }
            writing.set(false);

            for (Future<List<Configuration>> load : loads) {
                List<Configuration> seen = load.get();
                assertThat(seen).as("one reader's revisions never go back").isSortedAccordingTo(
                        Comparator.comparingLong(Configuration::revision));
                seen.forEach(ConfigStoreContract::assertIsExactlyItsRevision);
            }
        }
    }

    /**
     * Writer w saves upstream w with weight n, then route w with a timeout of n ms, for n = 1, 2, ...: the weights
     * and timeouts stored count the writes made, so they must add up to the revision, and a route is never ahead of
     * its upstream.
     */
    private static void assertIsExactlyItsRevision(Configuration configuration) {
        long writesSeen = 0;
        Map<String, Integer> weights = new HashMap<>();
        for (Upstream upstream : configuration.upstreams()) {
            int weight = upstream.targets().getFirst().weight();
            weights.put(upstream.name(), weight);
            writesSeen += weight;
        }
        for (Route route : configuration.routes()) {
            long round = route.timeout().toMillis();
            assertThat(weights.get(route.upstream()))
                    .as("upstream of route %s at revision %d", route.name(), configuration.revision())
                    .isIn((int) round, (int) round + 1);
            writesSeen += round;
        }
        assertThat(writesSeen).as("writes reflected at revision %d", configuration.revision())
                .isEqualTo(configuration.revision());
    }

    @Test
    void reopeningRunsTheMigrationsAgainAndKeepsEverything() {
        Configuration saved;
        try (Database db = openDatabase()) {
            db.configStore().saveUpstream(upstream("kept", 1));
            db.configStore().saveRoute(route("kept", "kept", "example.com"));
            saved = db.configStore().load();
        }
        try (Database db = openDatabase()) {
            assertThat(db.configStore().load()).isEqualTo(saved);
            assertThat(db.configStore().saveUpstream(upstream("next", 1)).revision()).isEqualTo(3);
        }
    }

    @Test
    void eachResourceCarriesTheRevisionItWasLastWrittenAt() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("a", 1));
            store.saveUpstream(upstream("b", 1));
            store.saveRoute(route("r", "a"));
            store.saveUpstream(upstream("a", 2));

            assertThat(store.storedUpstream("a")).contains(new Stored<>(upstream("a", 2), 4));
            assertThat(store.storedUpstream("b")).contains(new Stored<>(upstream("b", 1), 2));
            assertThat(store.storedRoute("r")).contains(new Stored<>(route("r", "a"), 3));
            assertThat(store.storedUpstream("none")).isEmpty();
            assertThat(store.storedRoute("none")).isEmpty();
        }
    }

    @Test
    void aWriteWhosePreconditionFailsWritesNothingAndAnswersTheCurrentRevision() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("a", 1));
            store.saveRoute(route("r", "a"));
            Configuration before = store.load();

            assertThat(store.saveUpstream(upstream("a", 9), new Precondition.RevisionIn(Set.of(7L)), OPS))
                    .isEqualTo(new StoreWrite.PreconditionFailed(OptionalLong.of(1)));
            assertThat(store.saveUpstream(upstream("a", 9), Precondition.MustBeAbsent.INSTANCE, OPS))
                    .isEqualTo(new StoreWrite.PreconditionFailed(OptionalLong.of(1)));
            assertThat(store.saveUpstream(upstream("new", 9), Precondition.MustExist.INSTANCE, OPS))
                    .isEqualTo(new StoreWrite.PreconditionFailed(OptionalLong.empty()));
            assertThat(store.saveRoute(route("r", "a", "example.com"), new Precondition.RevisionIn(Set.of(1L)), OPS))
                    .isEqualTo(new StoreWrite.PreconditionFailed(OptionalLong.of(2)));
            assertThat(store.deleteRoute("r", new Precondition.RevisionIn(Set.of(1L)), OPS))
                    .isEqualTo(new Deletion.PreconditionFailed(OptionalLong.of(2)));
            assertThat(store.deleteUpstream("gone", Precondition.MustExist.INSTANCE, OPS))
                    .isEqualTo(new Deletion.PreconditionFailed(OptionalLong.empty()));

            assertThat(store.load()).isEqualTo(before);
            assertThat(db.auditLog().latest(100)).hasSize(2);
        }
    }

    @Test
    void aWriteWhosePreconditionHoldsIsWritten() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();

            assertThat(store.saveUpstream(upstream("a", 1), Precondition.MustBeAbsent.INSTANCE, OPS))
                    .isEqualTo(new StoreWrite.Written(true, 1));
            assertThat(store.saveUpstream(upstream("a", 2), new Precondition.RevisionIn(Set.of(1L)), OPS))
                    .isEqualTo(new StoreWrite.Written(false, 2));
            assertThat(store.saveRoute(route("r", "a"), Precondition.MustBeAbsent.INSTANCE, OPS))
                    .isEqualTo(new StoreWrite.Written(true, 3));
            assertThat(store.deleteRoute("r", new Precondition.RevisionIn(Set.of(3L)), OPS))
                    .isEqualTo(new Deletion.Deleted(4));
            assertThat(store.deleteUpstream("a", Precondition.MustExist.INSTANCE, OPS))
                    .isEqualTo(new Deletion.Deleted(5));
            assertThat(store.load()).isEqualTo(new Configuration(5, List.of(), List.of()));
        }
    }

    @Test
    void replaceAllDeletesWritesAndKeepsInOneRevisionAndUnchangedResourcesKeepTheirs() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("kept", 1));
            store.saveUpstream(upstream("changed", 1));
            store.saveUpstream(upstream("gone", 1));
            store.saveRoute(route("same", "kept"));
            store.saveRoute(route("moved", "gone"));
            store.saveRoute(route("old", "gone"));
            ConfigurationContent wanted = new ConfigurationContent(
                    List.of(upstream("kept", 1), upstream("changed", 2), upstream("fresh", 3)),
                    List.of(route("same", "kept"), route("moved", "fresh"), route("new", "changed", "example.com")));

            Replacement outcome = store.replaceAll(wanted, Precondition.Unconditional.INSTANCE, OPS);

            assertThat(outcome).isEqualTo(new Replacement.Replaced(7, new ConfigurationDiff(
                    new ConfigurationDiff.Names(List.of("fresh"), List.of("new")),
                    new ConfigurationDiff.Names(List.of("changed"), List.of("moved")),
                    new ConfigurationDiff.Names(List.of("gone"), List.of("old")))));
            assertThat(store.load()).isEqualTo(new Configuration(7, wanted.upstreams(), wanted.routes()));
            assertThat(store.storedUpstream("kept").orElseThrow().revision()).isEqualTo(1);
            assertThat(store.storedRoute("same").orElseThrow().revision()).isEqualTo(4);
            assertThat(store.storedUpstream("changed").orElseThrow().revision()).isEqualTo(7);
            assertThat(store.storedRoute("moved").orElseThrow().revision()).isEqualTo(7);
            assertThat(store.storedRoute("new").orElseThrow().revision()).isEqualTo(7);
            assertThat(db.auditLog().latest(1)).singleElement().satisfies(entry -> {
                assertThat(entry.resource()).isEqualTo("config");
                assertThat(entry.revision()).isEqualTo(7);
                assertThat(entry.summary()).isEqualTo("added upstreams fresh; added routes new; changed upstreams"
                        + " changed; changed routes moved; removed upstreams gone; removed routes old");
            });
        }
    }

    @Test
    void replaceAllWithWhatIsStoredWritesNothing() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("a", 1));
            store.saveRoute(route("r", "a"));
            Configuration before = store.load();

            Replacement outcome = store.replaceAll(ConfigurationContent.of(before), Precondition.Unconditional.INSTANCE, OPS);

            assertThat(outcome).isInstanceOfSatisfying(Replacement.Replaced.class, replaced -> {
                assertThat(replaced.revision()).isEqualTo(2);
                assertThat(replaced.diff().isEmpty()).isTrue();
            });
            assertThat(store.revision()).isEqualTo(2);
            assertThat(db.auditLog().latest(100)).hasSize(2);
        }
    }

    @Test
    void replaceAllChecksItsPreconditionAgainstTheGlobalRevision() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            store.saveUpstream(upstream("a", 1));
            ConfigurationContent empty = new ConfigurationContent(List.of(), List.of());

            assertThat(store.replaceAll(empty, new Precondition.RevisionIn(Set.of(0L)), OPS))
                    .isEqualTo(new Replacement.PreconditionFailed(1));
            assertThat(store.upstreams()).hasSize(1);
            assertThat(store.replaceAll(empty, new Precondition.RevisionIn(Set.of(1L)), OPS))
                    .isInstanceOf(Replacement.Replaced.class);
            assertThat(store.load()).isEqualTo(new Configuration(2, List.of(), List.of()));
        }
    }

    @Test
    void statusTellsTheRevisionWhenItWasAppliedAndTheCounts() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            store.saveUpstream(upstream("a", 1));
            store.saveUpstream(upstream("b", 1));
            store.saveRoute(route("r", "a"));
            Instant after = Instant.now().plusMillis(1);

            ConfigurationStatus status = store.status();

            assertThat(status.revision()).isEqualTo(3);
            assertThat(status.upstreams()).isEqualTo(2);
            assertThat(status.routes()).isEqualTo(1);
            assertThat(status.appliedAt()).isBetween(before, after);
        }
    }

    @Test
    void everyCommittedChangeIsInTheAuditLogNewestFirstAndRefusedOnesAreNot() {
        try (Database db = openDatabase()) {
            ConfigStore store = db.configStore();
            Change ci = new Change("ci", "PUT");
            store.saveUpstream(upstream("a", 1), Precondition.Unconditional.INSTANCE, ci);
            store.saveUpstream(upstream("a", 2), Precondition.Unconditional.INSTANCE, ci);
            store.saveRoute(route("r", "ghost"), Precondition.Unconditional.INSTANCE, ci);
            store.saveRoute(route("r", "a"), Precondition.Unconditional.INSTANCE, ci);
            store.deleteUpstream("a", Precondition.Unconditional.INSTANCE, new Change("ops", "DELETE"));
            store.deleteRoute("r", Precondition.Unconditional.INSTANCE, new Change("ops", "DELETE"));

            List<AuditEntry> entries = db.auditLog().latest(10);

            assertThat(entries).extracting(AuditEntry::actor, AuditEntry::method, AuditEntry::resource,
                    AuditEntry::summary, AuditEntry::revision).containsExactly(
                    tuple("ops", "DELETE", "routes/r", "deleted", 4L),
                    tuple("ci", "PUT", "routes/r", "created: /r/ -> a", 3L),
                    tuple("ci", "PUT", "upstreams/a", "targets[0].weight 1 -> 2", 2L),
                    tuple("ci", "PUT", "upstreams/a", "created: 1 target", 1L));
            assertThat(entries).extracting(AuditEntry::id).isSortedAccordingTo(Comparator.reverseOrder());
            assertThat(db.auditLog().latest(2)).extracting(AuditEntry::revision).containsExactly(4L, 3L);
            assertThat(entries.getFirst().at()).isBeforeOrEqualTo(Instant.now())
                    .isAfter(Instant.now().minusSeconds(60));
        }
    }

    @Test
    void rowsFromBeforeTheResourceRevisionsCountAsWrittenAtTheRevisionOfTheMigration() {
        Flyway.configure(getClass().getClassLoader()).dataSource(settings().jdbcUrl(), settings().user(),
                settings().password()).locations("classpath:db/migration").target("1").load().migrate();
        Jdbi v1 = Jdbi.create(settings().jdbcUrl(), settings().user(), settings().password());
        v1.useHandle(handle -> {
            handle.execute("UPDATE config_revision SET revision = 5 WHERE id = 1");
            handle.execute("INSERT INTO upstreams (name, created_at, updated_at) VALUES ('old', CURRENT_TIMESTAMP,"
                    + " CURRENT_TIMESTAMP)");
            handle.execute("INSERT INTO upstream_targets (upstream_name, position, url, weight)"
                    + " VALUES ('old', 0, 'http://127.0.0.1:9001', 1)");
            handle.execute("INSERT INTO routes (name, path_prefix, upstream_name, strip_prefix, preserve_host,"
                    + " timeout_ms, created_at, updated_at) VALUES ('old', '/old/', 'old', FALSE, FALSE, 60000,"
                    + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        });

        try (Database db = openDatabase()) {
            assertThat(db.configStore().storedUpstream("old")).contains(new Stored<>(upstream("old", 1), 5));
            assertThat(db.configStore().storedRoute("old")).contains(new Stored<>(route("old", "old"), 5));
            assertThat(db.configStore().saveUpstream(upstream("old", 2)).revision()).isEqualTo(6);
            assertThat(db.auditLog().latest(10)).hasSize(1);
        }
    }

    @Test
    void refusedWritesAmongAcceptedOnesNeverCostAnAcceptedWriteItsOwnRevision() throws Exception {
        int writers = 8;
        int writesEach = 150;
        try (Database db = openDatabase();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ConfigStore store = db.configStore();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String name = "w" + w;
                results.add(threads.submit(() -> {
                    go.await();
                    List<Long> revisions = new ArrayList<>();
                    for (int i = 1; i <= writesEach; i++) {
                        revisions.add(store.saveUpstream(upstream(name, i)).revision());
                        // Refused after taking the revision lock: its rollback hands the lock to a waiting writer.
                        assertThat(store.deleteRoute("nothing")).isEqualTo(Deletion.NotFound.INSTANCE);
                    }
                    return revisions;
                }));
            }
            go.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get());
            }

            assertThat(all).doesNotHaveDuplicates().hasSize(writers * writesEach);
            assertThat(store.revision()).isEqualTo(writers * writesEach);
            for (int w = 0; w < writers; w++) {
                assertThat(store.upstream("w" + w)).contains(upstream("w" + w, writesEach));
            }
        }
    }

    @Test
    void fiftyConcurrentWritersLeaveTheLastAcknowledgedWriteOfEachResourceAndLoseNoRevision() throws Exception {
        int writers = 50;
        Duration duration = Duration.ofSeconds(Long.getLong("portico.store-hammer.seconds", 10));
        WriteLedger ledger = new WriteLedger();
        StoreHammer.Tally tally = new StoreHammer.Tally();
        try (Database db = openDatabase();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ConfigStore store = db.configStore();
            long started = System.nanoTime();
            long deadline = started + duration.toNanos();
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                StoreHammer hammer = new StoreHammer(store, ledger, tally, w);
                running.add(threads.submit(() -> hammer.run(deadline)));
            }
            for (Future<?> writer : running) {
                // A deadlock would keep a writer past its deadline: the bound turns it into a failure, not a hang.
                writer.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            long end = store.revision();
            assertThat(ledger.writeRevisions()).as("every revision is one acknowledged write")
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, end).boxed().toList());
            Map<String, Optional<Object>> expected = ledger.expected();
            for (String name : StoreHammer.UPSTREAMS) {
                assertThat(store.upstream(name).map(Object.class::cast)).as("upstream %s", name)
                        .isEqualTo(expected.getOrDefault(StoreHammer.upstreamKey(name), Optional.empty()));
            }
            for (String name : StoreHammer.ROUTES) {
                assertThat(store.route(name).map(Object.class::cast)).as("route %s", name)
                        .isEqualTo(expected.getOrDefault(StoreHammer.routeKey(name), Optional.empty()));
            }
            assertThat(ledger.writes()).as("writes acknowledged").isGreaterThan(writers);
            assertThat(tally.conflicts.get()).as("412s seen").isPositive();
            assertThat(db.auditLog().latest(1)).singleElement().extracting(AuditEntry::revision).isEqualTo(end);
            System.out.printf("%s: %d writers for %.1f s: %d writes acknowledged (%.0f writes/s), %d precondition"
                            + " failures, %d other refusals; final content equals the last acknowledged write of"
                            + " each of %d resources%n", getClass().getSimpleName(), writers, seconds, ledger.writes(),
                    ledger.writes() / seconds, tally.conflicts.get(), tally.refusals.get(),
                    StoreHammer.UPSTREAMS.size() + StoreHammer.ROUTES.size());
        }
    }

    /** Runs the action on its own thread, hence its own connection, and waits for it; its failure is ours. */
    private static void runOnAnotherThread(Runnable action) {
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            thread.submit(action).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the interfering write failed", e.getCause());
        }
    }
}
