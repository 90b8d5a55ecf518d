package dev.portico.persistence;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ConfigStore;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.StoreWrite;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The ConfigStore on H2 or PostgreSQL. Every write is one transaction whose first statement increments the revision
 * row: that row lock queues concurrent writers (also across nodes sharing a database), so each write sees every
 * earlier one and gets the next revision. A write that turns out to be refused rolls back, increment included.
 *
 * <p>Lists are sorted by name in Java, not by ORDER BY: PostgreSQL sorts text by the database's locale, H2 by
 * code point, and both must give the order the in-memory store gives.
 */
final class JdbiConfigStore implements ConfigStore {
    private static final Comparator<String> BY_NAME = Comparator.naturalOrder();

    private final Jdbi jdbi;
    private final TransactionIsolationLevel snapshotIsolation;
    private final Clock clock;
    /** Runs inside load() between reading the revision and the content; lets a test put a write exactly there. */
    private final Runnable betweenRevisionAndContent;

    JdbiConfigStore(Jdbi jdbi, TransactionIsolationLevel snapshotIsolation, Clock clock) {
        this(jdbi, snapshotIsolation, clock, () -> { });
    }

    JdbiConfigStore(Jdbi jdbi, TransactionIsolationLevel snapshotIsolation, Clock clock,
                    Runnable betweenRevisionAndContent) {
        this.jdbi = jdbi;
        this.snapshotIsolation = snapshotIsolation;
        this.clock = clock;
        this.betweenRevisionAndContent = betweenRevisionAndContent;
    }

    @Override
    public Configuration load() {
        // Revision first: whatever the content read afterwards, it is never older than the revision reported,
        // and in one snapshot it is exactly that revision's content.
        return inSnapshot(handle -> {
            long revision = readRevision(handle);
            betweenRevisionAndContent.run();
            return new Configuration(revision, readUpstreams(handle), readRoutes(handle));
        });
    }

    @Override
    public long revision() {
        return jdbi.withHandle(JdbiConfigStore::readRevision);
    }

    @Override
    public List<Upstream> upstreams() {
        return inSnapshot(JdbiConfigStore::readUpstreams);
    }

    @Override
    public Optional<Upstream> upstream(String name) {
        return inSnapshot(handle -> readUpstream(handle, name));
    }

    @Override
    public List<Route> routes() {
        return inSnapshot(JdbiConfigStore::readRoutes);
    }

    @Override
    public Optional<Route> route(String name) {
        return inSnapshot(handle -> readRoute(handle, name));
    }

    @Override
    public StoreWrite.Written saveUpstream(Upstream upstream) {
        return jdbi.inTransaction(handle -> {
            Instant now = clock.instant();
            long revision = nextRevision(handle, now);
            boolean created = !exists(handle, "SELECT COUNT(*) FROM upstreams WHERE name = :name", upstream.name());
            if (created) {
                handle.createUpdate("INSERT INTO upstreams (name, created_at, updated_at) VALUES (:name, :now, :now)")
                        .bind("name", upstream.name())
                        .bind("now", now)
                        .execute();
            } else {
                handle.createUpdate("UPDATE upstreams SET updated_at = :now WHERE name = :name")
                        .bind("name", upstream.name())
                        .bind("now", now)
                        .execute();
                handle.createUpdate("DELETE FROM upstream_targets WHERE upstream_name = :name")
                        .bind("name", upstream.name())
                        .execute();
            }
            PreparedBatch targets = handle.prepareBatch(
                    "INSERT INTO upstream_targets (" + TargetRow.COLUMNS + ") VALUES (:upstream, :position, :url, :weight)");
            List<Target> list = upstream.targets();
            for (int position = 0; position < list.size(); position++) {
                targets.bind("upstream", upstream.name())
                        .bind("position", position)
                        .bind("url", list.get(position).url())
                        .bind("weight", list.get(position).weight())
                        .add();
            }
            targets.execute();
            return new StoreWrite.Written(created, revision);
        });
    }

    @Override
    public Deletion deleteUpstream(String name) {
        return jdbi.inTransaction(handle -> {
            // The checks come after the increment so that they run under the revision lock: no route can start
            // using the upstream between the check and the delete.
            long revision = nextRevision(handle, clock.instant());
            if (!exists(handle, "SELECT COUNT(*) FROM upstreams WHERE name = :name", name)) {
                handle.rollback();
                return Deletion.NotFound.INSTANCE;
            }
            List<String> users = handle.createQuery("SELECT name FROM routes WHERE upstream_name = :name")
                    .bind("name", name)
                    .mapTo(String.class)
                    .list();
            if (!users.isEmpty()) {
                handle.rollback();
                return new Deletion.InUse(users.stream().sorted(BY_NAME).toList());
            }
            handle.createUpdate("DELETE FROM upstreams WHERE name = :name").bind("name", name).execute();
            return new Deletion.Deleted(revision);
        });
    }

    @Override
    public StoreWrite saveRoute(Route route) {
        return jdbi.inTransaction(handle -> {
            Instant now = clock.instant();
            long revision = nextRevision(handle, now);
            // Checked under the revision lock, so the upstream cannot be deleted before this commits; the foreign
            // key would catch it too, but as an error rather than an answer.
            if (!exists(handle, "SELECT COUNT(*) FROM upstreams WHERE name = :name", route.upstream())) {
                handle.rollback();
                return new StoreWrite.UpstreamMissing(route.upstream());
            }
            boolean created = !exists(handle, "SELECT COUNT(*) FROM routes WHERE name = :name", route.name());
            if (created) {
                handle.createUpdate("INSERT INTO routes (" + RouteRow.COLUMNS + ", created_at, updated_at)"
                                + " VALUES (:name, :prefix, :upstream, :strip, :preserve, :timeout, :now, :now)")
                        .bindMap(routeValues(route))
                        .bind("now", now)
                        .execute();
            } else {
                handle.createUpdate("UPDATE routes SET path_prefix = :prefix, upstream_name = :upstream,"
                                + " strip_prefix = :strip, preserve_host = :preserve, timeout_ms = :timeout,"
                                + " updated_at = :now WHERE name = :name")
                        .bindMap(routeValues(route))
                        .bind("now", now)
                        .execute();
                handle.createUpdate("DELETE FROM route_hosts WHERE route_name = :name")
                        .bind("name", route.name())
                        .execute();
            }
            if (!route.hosts().isEmpty()) {
                PreparedBatch hosts = handle.prepareBatch(
                        "INSERT INTO route_hosts (" + HostRow.COLUMNS + ") VALUES (:route, :position, :host)");
                for (int position = 0; position < route.hosts().size(); position++) {
                    hosts.bind("route", route.name())
                            .bind("position", position)
                            .bind("host", route.hosts().get(position).value())
                            .add();
                }
                hosts.execute();
            }
            return new StoreWrite.Written(created, revision);
        });
    }

    @Override
    public Deletion deleteRoute(String name) {
        return jdbi.inTransaction(handle -> {
            long revision = nextRevision(handle, clock.instant());
            int deleted = handle.createUpdate("DELETE FROM routes WHERE name = :name").bind("name", name).execute();
            if (deleted == 0) {
                handle.rollback();
                return Deletion.NotFound.INSTANCE;
            }
            return new Deletion.Deleted(revision);
        });
    }

    private <T> T inSnapshot(HandleCallback<T, RuntimeException> reads) {
        return jdbi.inTransaction(snapshotIsolation, reads);
    }

    /** Increments the revision, which also takes the row lock that queues writers, and answers the new value. */
    private static long nextRevision(Handle handle, Instant now) {
        int updated = handle.createUpdate(
                        "UPDATE config_revision SET revision = revision + 1, applied_at = :now WHERE id = 1")
                .bind("now", now)
                .execute();
        if (updated != 1) {
            throw new IllegalStateException("config_revision has no row with id 1: the schema was not created by"
                    + " Portico's migrations");
        }
        return readRevision(handle);
    }

    private static long readRevision(Handle handle) {
        return handle.createQuery("SELECT revision FROM config_revision WHERE id = 1").mapTo(Long.class).one();
    }

    private static boolean exists(Handle handle, String countQuery, String name) {
        return handle.createQuery(countQuery).bind("name", name).mapTo(Long.class).one() > 0;
    }

    private static Map<String, Object> routeValues(Route route) {
        return Map.of(
                "name", route.name(),
                "prefix", route.pathPrefix(),
                "upstream", route.upstream(),
                "strip", route.stripPrefix(),
                "preserve", route.preserveHost(),
                "timeout", route.timeout().toMillis());
    }

    private static List<Upstream> readUpstreams(Handle handle) {
        List<String> names = handle.createQuery("SELECT name FROM upstreams").mapTo(String.class).list();
        Map<String, List<TargetRow>> targets = handle
                .createQuery("SELECT " + TargetRow.COLUMNS + " FROM upstream_targets ORDER BY upstream_name, position")
                .map((row, context) -> TargetRow.map(row))
                .list()
                .stream()
                .collect(Collectors.groupingBy(TargetRow::upstreamName));
        return names.stream()
                .sorted(BY_NAME)
                .map(name -> toUpstream(name, targets.getOrDefault(name, List.of())))
                .toList();
    }

    private static Optional<Upstream> readUpstream(Handle handle, String name) {
        if (!exists(handle, "SELECT COUNT(*) FROM upstreams WHERE name = :name", name)) {
            return Optional.empty();
        }
        List<TargetRow> targets = handle
                .createQuery("SELECT " + TargetRow.COLUMNS + " FROM upstream_targets WHERE upstream_name = :name"
                        + " ORDER BY position")
                .bind("name", name)
                .map((row, context) -> TargetRow.map(row))
                .list();
        return Optional.of(toUpstream(name, targets));
    }

    private static Upstream toUpstream(String name, List<TargetRow> rows) {
        return new Upstream(name, rows.stream().map(TargetRow::toTarget).toList());
    }

    private static List<Route> readRoutes(Handle handle) {
        List<RouteRow> routes = handle.createQuery("SELECT " + RouteRow.COLUMNS + " FROM routes")
                .map((row, context) -> RouteRow.map(row))
                .list();
        Map<String, List<HostPattern>> hosts = handle
                .createQuery("SELECT " + HostRow.COLUMNS + " FROM route_hosts ORDER BY route_name, position")
                .map((row, context) -> HostRow.map(row))
                .list()
                .stream()
                .collect(Collectors.groupingBy(HostRow::routeName,
                        Collectors.mapping(host -> new HostPattern(host.host()), Collectors.toList())));
        return routes.stream()
                .sorted(Comparator.comparing(RouteRow::name, BY_NAME))
                .map(route -> route.toRoute(hosts.getOrDefault(route.name(), List.of())))
                .toList();
    }

    private static Optional<Route> readRoute(Handle handle, String name) {
        Optional<RouteRow> route = handle.createQuery("SELECT " + RouteRow.COLUMNS + " FROM routes WHERE name = :name")
                .bind("name", name)
                .map((row, context) -> RouteRow.map(row))
                .findOne();
        if (route.isEmpty()) {
            return Optional.empty();
        }
        List<HostPattern> hosts = handle
                .createQuery("SELECT host FROM route_hosts WHERE route_name = :name ORDER BY position")
                .bind("name", name)
                .mapTo(String.class)
                .map(HostPattern::new)
                .list();
        return Optional.of(route.get().toRoute(hosts));
    }
}
