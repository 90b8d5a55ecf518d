package dev.portico.persistence;

import dev.portico.domain.model.ChangeSummary;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.ConfigurationDiff;
import dev.portico.domain.model.ConfigurationStatus;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Hsts;
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
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ConfigStore on H2 or PostgreSQL. Every write is a {@link RevisionWrite}: one transaction at the next revision,
 * which checks its precondition under the revision row's lock and writes its audit entry before it commits.
 *
 * <p>Lists are sorted by name in Java, not by ORDER BY: PostgreSQL sorts text by the database's locale, H2 by
 * code point, and both must give the order the in-memory store gives.
 */
final class JdbiConfigStore implements ConfigStore {
    private static final Comparator<String> BY_NAME = Comparator.naturalOrder();

    private final Jdbi jdbi;
    private final TransactionIsolationLevel snapshotIsolation;
    private final Clock clock;
    private final WriteLock writeLock;
    /** Runs inside load() between reading the revision and the content; lets a test put a write exactly there. */
    private final Runnable betweenRevisionAndContent;

    JdbiConfigStore(Jdbi jdbi, TransactionIsolationLevel snapshotIsolation, Clock clock, WriteLock writeLock) {
        this(jdbi, snapshotIsolation, clock, writeLock, () -> { });
    }

    JdbiConfigStore(Jdbi jdbi, TransactionIsolationLevel snapshotIsolation, Clock clock, WriteLock writeLock,
                    Runnable betweenRevisionAndContent) {
        this.jdbi = jdbi;
        this.snapshotIsolation = snapshotIsolation;
        this.clock = clock;
        this.writeLock = writeLock;
        this.betweenRevisionAndContent = betweenRevisionAndContent;
    }

    @Override
    public Configuration load() {
        // Revision first: whatever the content read afterwards, it is never older than the revision reported,
        // and in one snapshot it is exactly that revision's content.
        return inSnapshot(handle -> {
            long revision = RevisionWrite.current(handle);
            betweenRevisionAndContent.run();
            return new Configuration(revision, values(readUpstreams(handle)), values(readRoutes(handle)));
        });
    }

    @Override
    public long revision() {
        return jdbi.withHandle(RevisionWrite::current);
    }

    @Override
    public ConfigurationStatus status() {
        return inSnapshot(handle -> {
            ConfigurationStatus revision = handle
                    .createQuery(Sql.SELECT_REVISION_STATUS)
                    .map((row, context) -> new ConfigurationStatus(
                            row.getLong("revision"), UtcInstants.read(row, "applied_at"), 0, 0))
                    .one();
            long routes = handle.createQuery(Sql.COUNT_ROUTES).mapTo(Long.class).one();
            long upstreams = handle.createQuery(Sql.COUNT_UPSTREAMS).mapTo(Long.class).one();
            return new ConfigurationStatus(revision.revision(), revision.appliedAt(),
                    Math.toIntExact(routes), Math.toIntExact(upstreams));
        });
    }

    @Override
    public List<Upstream> upstreams() {
        return inSnapshot(handle -> values(readUpstreams(handle)));
    }

    @Override
    public Optional<Stored<Upstream>> storedUpstream(String name) {
        return inSnapshot(handle -> readUpstream(handle, name));
    }

    @Override
    public List<Route> routes() {
        return inSnapshot(handle -> values(readRoutes(handle)));
    }

    @Override
    public Optional<Stored<Route>> storedRoute(String name) {
        return inSnapshot(handle -> readRoute(handle, name));
    }

    @Override
    public StoreWrite saveUpstream(Upstream upstream, Precondition precondition, Change change) {
        return write(write -> {
            Optional<Stored<Upstream>> before = readUpstream(write.handle(), upstream.name());
            OptionalLong current = revisionOf(before);
            if (!precondition.allows(current)) {
                return write.rollBack(new StoreWrite.PreconditionFailed(current));
            }
            writeUpstream(write, upstream, before.isEmpty());
            write.audit(change, ChangeSummary.upstreamResource(upstream.name()),
                    ChangeSummary.upstream(before.map(Stored::value), upstream));
            return new StoreWrite.Written(before.isEmpty(), write.revision());
        });
    }

    @Override
    public Deletion deleteUpstream(String name, Precondition precondition, Change change) {
        return write(write -> {
            // The checks come after the increment so that they run under the revision lock: no route can start
            // using the upstream between the check and the delete.
            Handle handle = write.handle();
            OptionalLong current = storedRevision(handle, Sql.SELECT_UPSTREAM_REVISION, name);
            if (!precondition.allows(current)) {
                return write.rollBack(new Deletion.PreconditionFailed(current));
            }
            if (current.isEmpty()) {
                return write.rollBack(Deletion.NotFound.INSTANCE);
            }
            List<String> users = handle.createQuery(Sql.SELECT_ROUTES_USING_UPSTREAM)
                    .bind("name", name)
                    .mapTo(String.class)
                    .list();
            if (!users.isEmpty()) {
                return write.rollBack(new Deletion.InUse(users.stream().sorted(BY_NAME).toList()));
            }
            handle.createUpdate(Sql.DELETE_UPSTREAM).bind("name", name).execute();
            write.audit(change, ChangeSummary.upstreamResource(name), ChangeSummary.deleted());
            return new Deletion.Deleted(write.revision());
        });
    }

    @Override
    public StoreWrite saveRoute(Route route, Precondition precondition, Change change) {
        return write(write -> {
            Optional<Stored<Route>> before = readRoute(write.handle(), route.name());
            OptionalLong current = revisionOf(before);
            if (!precondition.allows(current)) {
                return write.rollBack(new StoreWrite.PreconditionFailed(current));
            }
            // Checked under the revision lock, so the upstream cannot be deleted before this commits; the foreign
            // key would catch it too, but as an error rather than an answer.
            if (storedRevision(write.handle(), Sql.SELECT_UPSTREAM_REVISION, route.upstream()).isEmpty()) {
                return write.rollBack(new StoreWrite.UpstreamMissing(route.upstream()));
            }
            writeRoute(write, route, before.isEmpty());
            write.audit(change, ChangeSummary.routeResource(route.name()),
                    ChangeSummary.route(before.map(Stored::value), route));
            return new StoreWrite.Written(before.isEmpty(), write.revision());
        });
    }

    @Override
    public Deletion deleteRoute(String name, Precondition precondition, Change change) {
        return write(write -> {
            OptionalLong current = storedRevision(write.handle(), Sql.SELECT_ROUTE_REVISION, name);
            if (!precondition.allows(current)) {
                return write.rollBack(new Deletion.PreconditionFailed(current));
            }
            if (current.isEmpty()) {
                return write.rollBack(Deletion.NotFound.INSTANCE);
            }
            write.handle().createUpdate(Sql.DELETE_ROUTE).bind("name", name).execute();
            write.audit(change, ChangeSummary.routeResource(name), ChangeSummary.deleted());
            return new Deletion.Deleted(write.revision());
        });
    }

    @Override
    public Replacement replaceAll(ConfigurationContent wanted, Precondition precondition, Change change) {
        return write(write -> {
            Handle handle = write.handle();
            long previous = write.revision() - 1;
            if (!precondition.allows(OptionalLong.of(previous))) {
                return write.rollBack(new Replacement.PreconditionFailed(previous));
            }
            ConfigurationContent current = new ConfigurationContent(
                    values(readUpstreams(handle)), values(readRoutes(handle)));
            ConfigurationDiff diff = ConfigurationDiff.between(current, wanted);
            if (diff.isEmpty()) {
                // Re-applying what is stored is not a change: no new revision, no audit entry.
                return write.rollBack(new Replacement.Replaced(previous, diff));
            }
            // Routes go first and upstreams last, so that no route ever points at an upstream that is not there:
            // the foreign key checks each statement, not the transaction.
            for (String route : diff.removed().routes()) {
                handle.createUpdate(Sql.DELETE_ROUTE).bind("name", route).execute();
            }
            Set<String> addedUpstreams = new HashSet<>(diff.added().upstreams());
            Set<String> changedUpstreams = new HashSet<>(diff.changed().upstreams());
            for (Upstream upstream : wanted.upstreams()) {
                if (addedUpstreams.contains(upstream.name()) || changedUpstreams.contains(upstream.name())) {
                    writeUpstream(write, upstream, addedUpstreams.contains(upstream.name()));
                }
            }
            Set<String> addedRoutes = new HashSet<>(diff.added().routes());
            Set<String> changedRoutes = new HashSet<>(diff.changed().routes());
            for (Route route : wanted.routes()) {
                if (addedRoutes.contains(route.name()) || changedRoutes.contains(route.name())) {
                    writeRoute(write, route, addedRoutes.contains(route.name()));
                }
            }
            for (String upstream : diff.removed().upstreams()) {
                handle.createUpdate(Sql.DELETE_UPSTREAM).bind("name", upstream).execute();
            }
            write.audit(change, ChangeSummary.CONFIGURATION_RESOURCE, ChangeSummary.configuration(diff));
            return new Replacement.Replaced(write.revision(), diff);
        });
    }

    private <T> T write(Function<RevisionWrite, T> write) {
        return RevisionWrite.run(jdbi, writeLock, clock::instant, write);
    }

    private <T> T inSnapshot(HandleCallback<T, RuntimeException> reads) {
        return jdbi.inTransaction(snapshotIsolation, reads);
    }

    /** The revision {@code query} finds the named upstream or route last written at; empty when there is none. */
    private static OptionalLong storedRevision(Handle handle, String query, String name) {
        return handle.createQuery(query)
                .bind("name", name)
                .mapTo(Long.class)
                .findOne()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    private static OptionalLong revisionOf(Optional<? extends Stored<?>> stored) {
        return stored.map(s -> OptionalLong.of(s.revision())).orElse(OptionalLong.empty());
    }

    private static void writeUpstream(RevisionWrite write, Upstream upstream, boolean create) {
        Handle handle = write.handle();
        UpstreamRow.bindSettings(handle.createUpdate(create ? Sql.INSERT_UPSTREAM : Sql.UPDATE_UPSTREAM), upstream)
                .bind("name", upstream.name())
                .bind("now", write.now())
                .bind("revision", write.revision())
                .execute();
        if (!create) {
            handle.createUpdate(Sql.DELETE_TARGETS_OF_UPSTREAM).bind("name", upstream.name()).execute();
        }
        PreparedBatch targets = handle.prepareBatch(Sql.INSERT_TARGET);
        List<Target> list = upstream.targets();
        for (int position = 0; position < list.size(); position++) {
            targets.bind("upstream", upstream.name())
                    .bind("position", position)
                    .bind("url", list.get(position).url())
                    .bind("weight", list.get(position).weight())
                    .bind("maxConnections", list.get(position).maxConnections())
                    .bind("drain", list.get(position).drain())
                    .add();
        }
        targets.execute();
    }

    private static void writeRoute(RevisionWrite write, Route route, boolean create) {
        Handle handle = write.handle();
        handle.createUpdate(create ? Sql.INSERT_ROUTE : Sql.UPDATE_ROUTE)
                .bindMap(routeValues(route))
                .bindByType("hstsMaxAge", RouteRow.hstsMaxAgeSeconds(route), Long.class)
                .bind("now", write.now())
                .bind("revision", write.revision())
                .execute();
        if (!create) {
            handle.createUpdate(Sql.DELETE_HOSTS_OF_ROUTE).bind("name", route.name()).execute();
        }
        if (!route.hosts().isEmpty()) {
            PreparedBatch hosts = handle.prepareBatch(Sql.INSERT_HOST);
            for (int position = 0; position < route.hosts().size(); position++) {
                hosts.bind("route", route.name())
                        .bind("position", position)
                        .bind("host", route.hosts().get(position).value())
                        .add();
            }
            hosts.execute();
        }
    }

    private static Map<String, Object> routeValues(Route route) {
        return Map.of(
                "name", route.name(),
                "prefix", route.pathPrefix(),
                "upstream", route.upstream(),
                "strip", route.stripPrefix(),
                "preserve", route.preserveHost(),
                "timeout", route.timeout().toMillis(),
                "redirect", route.redirectToHttps(),
                "hstsSubdomains", route.hsts().map(Hsts::includeSubDomains).orElse(false),
                "hstsPreload", route.hsts().map(Hsts::preload).orElse(false),
                "webSocketIdle", route.webSocketIdleTimeout().toMillis());
    }

    private static <T> List<T> values(List<Stored<T>> stored) {
        return stored.stream().map(Stored::value).toList();
    }

    private static List<Stored<Upstream>> readUpstreams(Handle handle) {
        Map<String, UpstreamRow> names = handle
                .createQuery(Sql.SELECT_UPSTREAMS)
                .map((row, context) -> UpstreamRow.map(row))
                .list()
                .stream()
                .collect(Collectors.toMap(UpstreamRow::name, row -> row));
        Map<String, List<TargetRow>> targets = handle
                .createQuery(Sql.SELECT_TARGETS)
                .map((row, context) -> TargetRow.map(row))
                .list()
                .stream()
                .collect(Collectors.groupingBy(TargetRow::upstreamName));
        return names.keySet().stream()
                .sorted(BY_NAME)
                .map(name -> new Stored<>(toUpstream(names.get(name), targets.getOrDefault(name, List.of())),
                        names.get(name).updatedRevision()))
                .toList();
    }

    private static Optional<Stored<Upstream>> readUpstream(Handle handle, String name) {
        Optional<UpstreamRow> upstream = handle
                .createQuery(Sql.SELECT_UPSTREAM)
                .bind("name", name)
                .map((row, context) -> UpstreamRow.map(row))
                .findOne();
        if (upstream.isEmpty()) {
            return Optional.empty();
        }
        List<TargetRow> targets = handle
                .createQuery(Sql.SELECT_TARGETS_OF_UPSTREAM)
                .bind("name", name)
                .map((row, context) -> TargetRow.map(row))
                .list();
        return Optional.of(new Stored<>(toUpstream(upstream.get(), targets), upstream.get().updatedRevision()));
    }

    private static Upstream toUpstream(UpstreamRow upstream, List<TargetRow> rows) {
        return upstream.toUpstream(rows.stream().map(TargetRow::toTarget).toList());
    }

    private static List<Stored<Route>> readRoutes(Handle handle) {
        List<RouteRow> routes = handle.createQuery(Sql.SELECT_ROUTES)
                .map((row, context) -> RouteRow.map(row))
                .list();
        Map<String, List<HostPattern>> hosts = handle
                .createQuery(Sql.SELECT_HOSTS)
                .map((row, context) -> HostRow.map(row))
                .list()
                .stream()
                .collect(Collectors.groupingBy(HostRow::routeName,
                        Collectors.mapping(host -> new HostPattern(host.host()), Collectors.toList())));
        return routes.stream()
                .sorted(Comparator.comparing(RouteRow::name, BY_NAME))
                .map(route -> new Stored<>(route.toRoute(hosts.getOrDefault(route.name(), List.of())),
                        route.updatedRevision()))
                .toList();
    }

    private static Optional<Stored<Route>> readRoute(Handle handle, String name) {
        Optional<RouteRow> route = handle.createQuery(Sql.SELECT_ROUTE)
                .bind("name", name)
                .map((row, context) -> RouteRow.map(row))
                .findOne();
        if (route.isEmpty()) {
            return Optional.empty();
        }
        List<HostPattern> hosts = handle
                .createQuery(Sql.SELECT_HOSTS_OF_ROUTE)
                .bind("name", name)
                .mapTo(String.class)
                .map(HostPattern::new)
                .list();
        return Optional.of(new Stored<>(route.get().toRoute(hosts), route.get().updatedRevision()));
    }
}
