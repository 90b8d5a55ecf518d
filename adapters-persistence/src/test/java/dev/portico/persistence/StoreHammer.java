package dev.portico.persistence;

import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.Precondition;
import dev.portico.domain.port.Replacement;
import dev.portico.domain.port.StoreWrite;
import dev.portico.domain.testing.WriteLedger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static dev.portico.persistence.Fixtures.route;
import static dev.portico.persistence.Fixtures.upstream;

/**
 * One writer of the concurrent-writer test: for as long as it is told, it puts and deletes a few upstreams and routes,
 * sometimes replaces the whole configuration, with and without preconditions, and records every acknowledged write
 * in the shared ledger. A writer's own writes are sequential, so their revisions must rise.
 */
final class StoreHammer {
    static final List<String> UPSTREAMS = List.of("u0", "u1", "u2", "u3");
    static final List<String> ROUTES = List.of("r0", "r1", "r2", "r3");

    /** What all writers saw, beside the ledger. */
    static final class Tally {
        final AtomicLong conflicts = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
    }

    private final ConfigStore store;
    private final WriteLedger ledger;
    private final Tally tally;
    private final Random random;
    private final Change change;
    private long lastRevision;

    StoreHammer(ConfigStore store, WriteLedger ledger, Tally tally, int writer) {
        this.store = store;
        this.ledger = ledger;
        this.tally = tally;
        this.random = new Random(writer);
        this.change = new Change("writer-" + writer, "PUT");
    }

    static String upstreamKey(String name) {
        return "upstreams/" + name;
    }

    static String routeKey(String name) {
        return "routes/" + name;
    }

    /** Writes until {@code deadline} (System.nanoTime()); throws if a writer's revisions ever go back. */
    void run(long deadline) {
        while (System.nanoTime() < deadline) {
            int pick = random.nextInt(100);
            if (pick < 30) {
                putUpstream();
            } else if (pick < 40) {
                deleteUpstream();
            } else if (pick < 75) {
                putRoute();
            } else if (pick < 92) {
                deleteRoute();
            } else {
                replaceAll();
            }
        }
    }

    private void putUpstream() {
        String name = pick(UPSTREAMS);
        Upstream upstream = upstream(name, 1 + random.nextInt(1000));
        switch (store.saveUpstream(upstream, precondition(store::storedUpstream, name), change)) {
            case StoreWrite.Written written -> acknowledged(upstreamKey(name), written.revision(), upstream);
            case StoreWrite.PreconditionFailed failed -> tally.conflicts.incrementAndGet();
            case StoreWrite.UpstreamMissing missing -> throw new IllegalStateException("an upstream needs no upstream");
        }
    }

    private void deleteUpstream() {
        String name = pick(UPSTREAMS);
        switch (store.deleteUpstream(name, precondition(store::storedUpstream, name), change)) {
            case Deletion.Deleted deleted -> acknowledged(upstreamKey(name), deleted.revision(), null);
            case Deletion.PreconditionFailed failed -> tally.conflicts.incrementAndGet();
            case Deletion.NotFound notFound -> tally.refusals.incrementAndGet();
            case Deletion.InUse inUse -> tally.refusals.incrementAndGet();
        }
    }

    private void putRoute() {
        String name = pick(ROUTES);
        Route route = route(name, pick(UPSTREAMS), Duration.ofMillis(1 + random.nextInt(100_000)));
        switch (store.saveRoute(route, precondition(store::storedRoute, name), change)) {
            case StoreWrite.Written written -> acknowledged(routeKey(name), written.revision(), route);
            case StoreWrite.PreconditionFailed failed -> tally.conflicts.incrementAndGet();
            case StoreWrite.UpstreamMissing missing -> tally.refusals.incrementAndGet();
        }
    }

    private void deleteRoute() {
        String name = pick(ROUTES);
        switch (store.deleteRoute(name, precondition(store::storedRoute, name), change)) {
            case Deletion.Deleted deleted -> acknowledged(routeKey(name), deleted.revision(), null);
            case Deletion.PreconditionFailed failed -> tally.conflicts.incrementAndGet();
            case Deletion.NotFound notFound -> tally.refusals.incrementAndGet();
            case Deletion.InUse inUse -> throw new IllegalStateException("nothing uses a route");
        }
    }

    private void replaceAll() {
        List<Upstream> upstreams = new ArrayList<>();
        for (String name : UPSTREAMS) {
            if (random.nextBoolean()) {
                upstreams.add(upstream(name, 1 + random.nextInt(1000)));
            }
        }
        List<Route> routes = new ArrayList<>();
        if (!upstreams.isEmpty()) {
            for (String name : ROUTES) {
                if (random.nextBoolean()) {
                    String target = upstreams.get(random.nextInt(upstreams.size())).name();
                    routes.add(route(name, target, Duration.ofMillis(1 + random.nextInt(100_000))));
                }
            }
        }
        Precondition precondition = random.nextBoolean() ? Precondition.Unconditional.INSTANCE
                : new Precondition.RevisionIn(Set.of(store.revision()));
        switch (store.replaceAll(new ConfigurationContent(upstreams, routes), precondition, change)) {
            case Replacement.PreconditionFailed failed -> tally.conflicts.incrementAndGet();
            case Replacement.Replaced replaced -> {
                Map<String, Optional<Object>> contents = new HashMap<>();
                UPSTREAMS.forEach(name -> contents.put(upstreamKey(name), Optional.empty()));
                ROUTES.forEach(name -> contents.put(routeKey(name), Optional.empty()));
                upstreams.forEach(u -> contents.put(upstreamKey(u.name()), Optional.of(u)));
                routes.forEach(r -> contents.put(routeKey(r.name()), Optional.of(r)));
                boolean wrote = !replaced.diff().isEmpty();
                if (wrote) {
                    rising(replaced.revision());
                }
                ledger.writeAll(contents, replaced.revision(), wrote);
            }
        }
    }

    /** Half the writes are unconditional; the others require what this writer just read (or absence). */
    private <T> Precondition precondition(Function<String, Optional<Stored<T>>> read, String name) {
        if (random.nextBoolean()) {
            return Precondition.Unconditional.INSTANCE;
        }
        OptionalLong current = read.apply(name).map(s -> OptionalLong.of(s.revision())).orElse(OptionalLong.empty());
        return current.isPresent() ? new Precondition.RevisionIn(Set.of(current.getAsLong()))
                : Precondition.MustBeAbsent.INSTANCE;
    }

    private void acknowledged(String resource, long revision, Object content) {
        rising(revision);
        ledger.write(resource, revision, Optional.ofNullable(content));
    }

    private void rising(long revision) {
        if (revision <= lastRevision) {
            throw new IllegalStateException(change.actor() + " was acknowledged revision " + revision + " after "
                    + lastRevision);
        }
        lastRevision = revision;
    }

    private String pick(List<String> names) {
        return names.get(random.nextInt(names.size()));
    }
}
