package dev.portico.domain.service;

import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.ConfigurationStatus;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.Replacement;
import dev.portico.domain.port.StoreWrite;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.domain.routing.RoutingTable;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTest {
    private static final Upstream USERS = new Upstream("users", List.of(new Target("http", "127.0.0.1", 9001, "", 1)));

    static Route route(String name, String prefix) {
        return new Route(name, List.of(), prefix, "users", false, false, Duration.ofSeconds(1));
    }

    static Configuration configuration(long revision, Route... routes) {
        return new Configuration(revision, List.of(USERS), List.of(routes));
    }

    static String routeFor(Routing routing, String path) {
        return routing.resolve("h", path) instanceof ResolvedRoute resolved ? resolved.route().name() : "none";
    }

    @Test
    void startsEmptyAndServesWhatTheStoreHoldsAfterARefresh() {
        InMemoryConfigStore store = new InMemoryConfigStore();
        store.saveUpstream(USERS);
        store.saveRoute(route("api", "/api/"));
        Routing routing = new Routing(store);

        assertThat(routing.resolve("h", "/api/x")).isSameAs(RoutingDecision.NoRoute.INSTANCE);

        assertThat(routing.refresh().revision()).isEqualTo(2);
        assertThat(routing.current().revision()).isEqualTo(2);
        assertThat(routeFor(routing, "/api/x")).isEqualTo("api");
    }

    @Test
    void refreshNeverSwapsInAnOlderTable() {
        ScriptedStore store = new ScriptedStore(configuration(5, route("new", "/")), configuration(3, route("old", "/")));
        Routing routing = new Routing(store);

        routing.refresh();
        RoutingTable returned = routing.refresh();

        assertThat(returned.revision()).isEqualTo(5);
        assertThat(routing.current().revision()).isEqualTo(5);
        assertThat(routeFor(routing, "/x")).isEqualTo("new");
    }

    @Test
    void refreshAtLeastNeverSwapsInAnOlderTable() {
        ScriptedStore store = new ScriptedStore(configuration(5, route("new", "/")), configuration(4, route("old", "/")));
        Routing routing = new Routing(store);

        routing.refreshAtLeast(5);
        routing.refreshAtLeast(6);

        assertThat(store.loads).isEqualTo(2);
        assertThat(routing.current().revision()).isEqualTo(5);
        assertThat(routeFor(routing, "/x")).isEqualTo("new");
    }

    @Test
    void refreshAtLeastDoesNotLoadWhenTheLiveTableIsRecentEnough() {
        ScriptedStore store = new ScriptedStore(configuration(5, route("r", "/")));
        Routing routing = new Routing(store);

        routing.refreshAtLeast(3);
        routing.refreshAtLeast(5);
        routing.refreshAtLeast(4);

        assertThat(store.loads).isEqualTo(1);
        assertThat(routing.current().revision()).isEqualTo(5);
    }

    @Test
    void refreshAtLeastMakesAWriteLiveBeforeItReturns() {
        InMemoryConfigStore store = new InMemoryConfigStore();
        Routing routing = new Routing(store);
        store.saveUpstream(USERS);
        StoreWrite.Written written = (StoreWrite.Written) store.saveRoute(route("api", "/api/"));

        routing.refreshAtLeast(written.revision());

        assertThat(routeFor(routing, "/api/")).isEqualTo("api");
    }

    @Test
    void refreshIfChangedReloadsOnlyWhenTheStoredRevisionMoved() {
        InMemoryConfigStore store = new InMemoryConfigStore();
        Routing routing = new Routing(store);

        assertThat(routing.refreshIfChanged()).isFalse();

        store.saveUpstream(USERS);
        store.saveRoute(route("api", "/api/"));
        assertThat(routing.refreshIfChanged()).isTrue();
        assertThat(routing.current().revision()).isEqualTo(2);
        assertThat(routeFor(routing, "/api/x")).isEqualTo("api");

        assertThat(routing.refreshIfChanged()).isFalse();

        assertThat(store.deleteRoute("api")).isInstanceOf(Deletion.Deleted.class);
        assertThat(routing.refreshIfChanged()).isTrue();
        assertThat(routeFor(routing, "/api/x")).isEqualTo("none");
    }

    @Test
    void refreshIfChangedDoesNotLoadWhenNothingChanged() {
        ScriptedStore store = new ScriptedStore(configuration(5, route("r", "/")));
        Routing routing = new Routing(store);
        routing.refresh();

        assertThat(routing.refreshIfChanged()).isFalse();
        assertThat(store.loads).isEqualTo(1);
    }

    /**
     * Answers load() with the configurations given, in turn (the last one repeats), as a store read by several
     * nodes or through a lagging replica might; revision() reports the newest revision it will ever answer.
     */
    static final class ScriptedStore implements ConfigStore {
        private final Deque<Configuration> answers;
        private final long newest;
        int loads;

        ScriptedStore(Configuration... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
            this.newest = this.answers.stream().mapToLong(Configuration::revision).max().orElse(0);
        }

        @Override
        public Configuration load() {
            loads++;
            return answers.size() > 1 ? answers.removeFirst() : answers.getFirst();
        }

        @Override
        public long revision() {
            return newest;
        }

        @Override
        public ConfigurationStatus status() {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public List<Upstream> upstreams() {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public Optional<Stored<Upstream>> storedUpstream(String name) {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public List<Route> routes() {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public Optional<Stored<Route>> storedRoute(String name) {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public StoreWrite saveUpstream(Upstream upstream, Precondition precondition, Change change) {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public Deletion deleteUpstream(String name, Precondition precondition, Change change) {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public StoreWrite saveRoute(Route route, Precondition precondition, Change change) {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public Deletion deleteRoute(String name, Precondition precondition, Change change) {
            throw new UnsupportedOperationException("Routing only loads");
        }

        @Override
        public Replacement replaceAll(ConfigurationContent wanted, Precondition precondition, Change change) {
            throw new UnsupportedOperationException("Routing only loads");
        }
    }

    @Test
    void aPollRacingThisNodesOwnWritesNeverTakesThemForAnotherNodesAndNeverGoesBack() throws Exception {
        InMemoryConfigStore store = new InMemoryConfigStore();
        store.saveUpstream(USERS);
        Routing routing = new Routing(store);
        routing.refresh();
        ConfigurationService service = new ConfigurationService(store, routing);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reportedAsOthers = new AtomicInteger();
        AtomicLong wentBack = new AtomicLong();
        Thread poller = Thread.ofPlatform().start(() -> {
            long seen = 0;
            while (writing.get()) {
                if (routing.refreshIfChanged()) {
                    reportedAsOthers.incrementAndGet();
                }
                long now = routing.current().revision();
                if (now < seen) {
                    wentBack.incrementAndGet();
                }
                seen = now;
            }
        });

        for (int i = 0; i < 300; i++) {
            service.putRoute("r" + i, new Route.RouteSpec(null, "/r" + i + "/", "users", null, null, null));
        }
        writing.set(false);
        poller.join();

        assertThat(reportedAsOthers.get()).as("own writes taken for another node's").isZero();
        assertThat(wentBack.get()).as("times the table went back to an older revision").isZero();
        assertThat(routeFor(routing, "/r299/x")).isEqualTo("r299");
    }
}
