package dev.portico.app;

import dev.portico.admin.AdminApi;
import dev.portico.admin.HealthProbes;
import dev.portico.admin.MetricsEndpoint;
import dev.portico.domain.health.TargetHealth;
import dev.portico.domain.health.TargetKey;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.service.AdminTokens.InitialToken;
import dev.portico.domain.service.AdminTokens;
import dev.portico.domain.service.AuditTrail;
import dev.portico.domain.service.Certificates;
import dev.portico.domain.service.ConfigurationService;
import dev.portico.domain.service.Routing;
import dev.portico.http.Proxy;
import dev.portico.http.ProxySettings;
import dev.portico.http.forward.ExchangeObserver;
import dev.portico.http.health.ActiveHealthChecks;
import dev.portico.http.metrics.ProxyMetrics;
import dev.portico.http.observe.AccessLog;
import dev.portico.http.observe.ExchangeSink;
import dev.portico.http.observe.Observation;
import dev.portico.http.tls.CertificateRegistry;
import dev.portico.http.tls.CertificateWatcher;
import dev.portico.http.tls.SniKeyManager;
import dev.portico.http.tls.TlsListener;
import dev.portico.persistence.Database;
import dev.portico.persistence.DatabaseSettings;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** The composition root: every part of Portico is created and connected here, with plain {@code new}. */
public final class Portico implements AutoCloseable {
    static final String ADMIN_SOCKET = "admin";
    static final String HTTPS_SOCKET = "https";
    static final String HEALTH_SOCKET = "health";
    /** How often the watcher re-checks certificate files even without a file-system event (network mounts). */
    private static final Duration CERTIFICATE_POLL = Duration.ofSeconds(30);
    private static final long ADMIN_MAX_PAYLOAD = 2L * 1024 * 1024;
    private static final Duration ADMIN_IDLE_SWEEP = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(Portico.class.getName());

    private static final Duration WEBSOCKET_CLOSE_GRACE = Duration.ofSeconds(2);

    private final Database database;
    private final ActiveHealthChecks healthChecks;
    private final Proxy proxy;
    private final WebServer server;
    private final Thread poller;
    private final CertificateWatcher watcher;
    private final NodeState state;
    private final Duration shutdownGrace;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Null when the access log is off. */
    private final AccessLog accessLog;

    private Portico(Database database, ActiveHealthChecks healthChecks, Proxy proxy, WebServer server, Thread poller,
                    CertificateWatcher watcher, NodeState state, Duration shutdownGrace, AccessLog accessLog) {
        this.accessLog = accessLog;
        this.state = state;
        this.shutdownGrace = shutdownGrace;
        this.watcher = watcher;
        this.database = database;
        this.healthChecks = healthChecks;
        this.proxy = proxy;
        this.server = server;
        this.poller = poller;
    }

    /** Opens the store, makes sure an admin token exists, and starts both listeners. */
    public static Portico start(Settings settings) {
        // Found before anything starts, so that a port in use is one clear line rather than Helidon's stack traces.
        List<String> unavailable = unavailableAddresses(settings);
        if (!unavailable.isEmpty()) {
            throw new IllegalStateException("cannot listen on " + String.join("; ", unavailable));
        }
        createDataDir(settings.dataDir());
        Database database = Database.open(databaseSettings(settings));
        // What is running so far, closed in reverse order should a later step fail.
        Deque<Runnable> closeOnFailure = new ArrayDeque<>();
        closeOnFailure.push(database::close);
        try {
            TargetStates states = TargetStates.systemClock(settings.targetMaxConnections());
            states.onChange(Portico::logHealthChange);
            Routing routing = new Routing(database.configStore(), states);
            routing.refresh();
            ActiveHealthChecks healthChecks = new ActiveHealthChecks(states);
            closeOnFailure.push(healthChecks::close);
            routing.onSwap(healthChecks::reconcile);
            ConfigurationService configuration = new ConfigurationService(database.configStore(), routing);
            AdminTokens tokens = new AdminTokens(database.tokenStore(), Clock.systemUTC());
            announce(tokens.bootstrap(settings.adminToken()), settings.dataDir());

            CertificateRegistry registry = new CertificateRegistry(new SniKeyManager(), Clock.systemUTC());
            registry.useDefault(settings.defaultCertificate());
            Certificates certificates = new Certificates(database.certificateStore(), new RegistryCertificates(registry),
                    routing);
            logSync(certificates.sync(), registry);
            CertificateWatcher watcher = watchCertificateFiles(registry);
            closeOnFailure.push(watcher::close);

            AccessLog accessLog = accessLog(settings.observability());
            if (accessLog != null) {
                closeOnFailure.push(accessLog::close);
            }
            ProxyMetrics metrics = new ProxyMetrics(states, settings.observability().metricsBuckets());
            metrics.reconcile(routing.current().configuration());
            routing.onSwap(metrics::reconcile);
            Proxy proxy = createProxy(settings, routing, metrics, accessLog);
            closeOnFailure.push(proxy::close);
            metrics.connections(proxy::openConnectionsByProtocol);
            metrics.webSockets(proxy::openWebSocketsByRoute);
            metrics.certificates(() -> registry.list().stream().collect(Collectors.toMap(ServedCertificate::name,
                    ServedCertificate::notAfter, (one, other) -> one, TreeMap::new)));
            if (accessLog != null) {
                metrics.accessLogDropped(accessLog::dropped);
            }
            // drained or removed targets' connections close as their requests end, and so do WebSockets whose route
            // or target went away (1001); all others stay open
            routing.onSwap(proxy::reconcile);
            AdminApi admin = AdminApi.create(new AdminApi.Ports(configuration, configuration, configuration, tokens,
                    tokens, new AuditTrail(database.auditLog()), routing, certificates));
            NodeState state = new NodeState(routing, Clock.systemUTC());
            WebServer server = listen(settings, proxy, admin, new HealthProbes(state), new MetricsEndpoint(metrics),
                    registry);
            closeOnFailure.push(server::stop);

            Thread poller = Thread.ofVirtual().name("portico-config-poller")
                    .start(() -> pollForChanges(routing, tokens, certificates, registry, settings, state, metrics));
            logServing(settings, server, routing);
            return new Portico(database, healthChecks, proxy, server, poller, watcher, state,
                    settings.shutdownGrace(), accessLog);
        } catch (RuntimeException e) {
            while (!closeOnFailure.isEmpty()) {
                try {
                    closeOnFailure.pop().run();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    private static DatabaseSettings databaseSettings(Settings settings) {
        return settings.databaseUrl()
                .map(url -> new DatabaseSettings(url, settings.databaseUser(), settings.databasePassword()))
                .orElseGet(() -> DatabaseSettings.h2File(settings.dataDir()));
    }

    private static CertificateWatcher watchCertificateFiles(CertificateRegistry registry) {
        try {
            return CertificateWatcher.start(registry, CERTIFICATE_POLL, change -> LOG.log(Level.INFO,
                    "Certificate files changed on disk: {0}", describe(RegistryCertificates.outcome(change))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch certificate files", e);
        }
    }

    private static Proxy createProxy(Settings settings, Routing routing, ProxyMetrics metrics, AccessLog accessLog) {
        ProxySettings proxySettings = ProxySettings.fromTrustedProxies(settings.trustedProxies())
                .withClients(settings.clients()).withDetailedErrors(settings.detailedErrors());
        boolean metricsOn = settings.observability().metrics();
        ExchangeSink log = accessLog == null ? ExchangeSink.NONE : accessLog;
        Observation observation = new Observation(metricsOn ? ExchangeSink.both(log, metrics) : log,
                settings.observability().startTraces());
        // With an ephemeral HTTPS port (tests), redirects keep the default 443: the port is known only later.
        return Proxy.create(routing, settings.httpsPort() > 0
                ? proxySettings.withHttpsPort(settings.httpsPort()) : proxySettings,
                metricsOn ? metrics : ExchangeObserver.NONE, observation,
                route -> route.route().webSocketIdleTimeout());
    }

    /** The access log the settings ask for; null when it is off. A file that cannot be written stops the start. */
    private static AccessLog accessLog(Settings.Observability observability) {
        String where = observability.accessLog();
        if (where.equals(Settings.Observability.OFF)) {
            return null;
        }
        if (where.equals(Settings.Observability.STDOUT)) {
            return AccessLog.toStandardOutput(observability.accessLogFormat());
        }
        Path file = Path.of(where).toAbsolutePath();
        Path directory = file.getParent();
        if (Files.exists(file) ? !Files.isWritable(file) : directory == null || !Files.isDirectory(directory)
                || !Files.isWritable(directory)) {
            throw new IllegalStateException("cannot write the access log to " + file + " (PORTICO_ACCESS_LOG): "
                    + (Files.exists(file) ? "the file is not writable" : "its directory does not exist or is not"
                    + " writable"));
        }
        return AccessLog.toFile(file, observability.accessLogFormat());
    }

    /**
     * Starts the listeners: the proxy on plain HTTP and on HTTPS, the admin API (with the health probes), and the
     * probes on a listener of their own when one is configured.
     */
    private static WebServer listen(Settings settings, Proxy proxy, AdminApi admin, HealthProbes probes,
                                    MetricsEndpoint metrics, CertificateRegistry registry) {
        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .host(settings.httpHost())
                .port(settings.httpPort())
                .routing(proxy::register)
                .putSocket(ADMIN_SOCKET, socket -> socket.host(settings.adminHost()).port(settings.adminPort())
                        // HTTP/1.1 only, refusals before routing as problem+json (an over-long request line is
                        // answered 414 rather than cut off)
                        .update(admin::configure)
                        // An upper bound even before authentication: nobody streams gigabytes into the admin API.
                        .maxPayloadSize(ADMIN_MAX_PAYLOAD)
                        // Helidon's idle sweep: a connection that sends nothing for the keep-alive timeout ends
                        .idleConnectionTimeout(settings.clients().keepAliveTimeout())
                        .idleConnectionPeriod(ADMIN_IDLE_SWEEP))
                .routing(ADMIN_SOCKET, routing -> {
                    probes.register(routing);
                    // before the API's own paths: its token filter guards /metrics too
                    if (settings.observability().metrics()) {
                        metrics.register(routing);
                    }
                    admin.register(routing);
                })
                .putSocket(HTTPS_SOCKET, socket -> {
                    // named here, before the proxy reads its name: putSocket names it only after this runs
                    socket.name(HTTPS_SOCKET).host(settings.httpsHost()).port(settings.httpsPort())
                            .tls(TlsListener.tls(registry.keyManager()));
                    // Also sets tcpNoDelay: without it delayed ACKs add 40 ms to every handshake.
                    proxy.configure(socket);
                })
                .routing(HTTPS_SOCKET, proxy::register);
        proxy.configure(builder);
        settings.healthPort().ifPresent(port -> builder
                .putSocket(HEALTH_SOCKET, socket -> socket.host(settings.healthHost()).port(port)
                        .idleConnectionTimeout(settings.clients().keepAliveTimeout())
                        .idleConnectionPeriod(ADMIN_IDLE_SWEEP))
                .routing(HEALTH_SOCKET, routing -> {
                    probes.register(routing);
                    if (settings.observability().metricsPublic()) {
                        metrics.register(routing);
                    }
                }));
        WebServer server = builder.build().start();
        if (!server.isRunning()) {
            // Helidon logs a listener that cannot bind, closes the others and returns: a process that stayed up
            // would serve nothing
            server.stop();
            List<String> unavailable = unavailableAddresses(settings);
            throw new IllegalStateException("cannot listen on " + (unavailable.isEmpty()
                    ? "one of its addresses (the log above names it)" : String.join("; ", unavailable)));
        }
        return server;
    }

    /** One line each time a target leaves or rejoins the rotation. */
    private static void logHealthChange(TargetKey target, TargetHealth.State state, String reason) {
        switch (state) {
            case EJECTED -> LOG.log(Level.WARNING, "Target {0} of upstream ''{1}'' is out of rotation: {2}",
                    target.url(), target.upstream(), reason);
            case UNHEALTHY -> LOG.log(Level.WARNING, "Target {0} of upstream ''{1}'' failed its health check ({2}):"
                    + " out of rotation until it passes", target.url(), target.upstream(), reason);
            case HEALTHY -> LOG.log(Level.INFO, "Target {0} of upstream ''{1}'' passed its health check ({2}): back in"
                    + " rotation", target.url(), target.upstream(), reason);
            case DRAINING -> {
                // an operator's own change, in the audit log
            }
        }
    }

    private static void logServing(Settings settings, WebServer server, Routing routing) {
        LOG.log(Level.INFO, "Portico is serving: proxy on http://{0}:{1,number,#}, admin API on http://{2}:{3,number,#},"
                        + " HTTPS on https://{4}:{5,number,#}{6}, configuration revision {7,number,#} ({8} routes,"
                        + " {9} upstreams)",
                settings.httpHost(), server.port(), settings.adminHost(), server.port(ADMIN_SOCKET),
                settings.httpsHost(), server.port(HTTPS_SOCKET),
                settings.healthPort().isPresent()
                        ? ", health probes on http://" + settings.healthHost() + ":" + server.port(HEALTH_SOCKET) : "",
                routing.current().revision(), routing.current().configuration().routes().size(),
                routing.current().configuration().upstreams().size());
    }

    /**
     * Which configured listener addresses cannot be bound, found by trying each: Helidon only logs which one failed.
     */
    static List<String> unavailableAddresses(Settings settings) {
        List<String> problems = new ArrayList<>();
        tryBinding(problems, "proxy", "PORTICO_HTTP_PORT", settings.httpHost(), settings.httpPort());
        tryBinding(problems, "admin API", "PORTICO_ADMIN_PORT", settings.adminHost(), settings.adminPort());
        tryBinding(problems, "HTTPS", "PORTICO_HTTPS_PORT", settings.httpsHost(), settings.httpsPort());
        settings.healthPort().ifPresent(port -> tryBinding(problems, "health probes", "PORTICO_HEALTH_PORT",
                settings.healthHost(), port));
        return problems;
    }

    private static void tryBinding(List<String> problems, String listener, String variable, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            problems.add(host + ":" + port + " for the " + listener + " (" + e.getMessage() + "; another port: "
                    + variable + ")");
        }
    }

    /**
     * Picks up changes other nodes made to a shared database (and token changes). A node's own changes are live
     * before its admin API answers; this only bounds how stale the others can be. Also how the node learns that its
     * database went away or came back.
     */
    private static void pollForChanges(Routing routing, AdminTokens tokens, Certificates certificates,
                                       CertificateRegistry registry, Settings settings, NodeState state,
                                       ProxyMetrics metrics) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(settings.pollInterval());
                if (routing.refreshIfChanged()) {
                    metrics.configurationReloaded(true);
                    LOG.log(Level.INFO, "Loaded configuration revision {0,number,#} changed by another node",
                            routing.current().revision());
                    // Certificate writes take a revision too: another node may have stored or deleted one.
                    logSync(certificates.sync(), registry);
                }
                tokens.reload();
                state.databaseReachable();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                metrics.configurationReloaded(false);
                state.databaseUnreachable(e);
                LOG.log(Level.DEBUG, "Could not poll the database for changes", e);
            }
        }
    }

    /** A broken stored certificate is logged and skipped: Portico serves the others rather than not starting. */
    private static void logSync(Certificates.SyncReport report, CertificateRegistry registry) {
        for (CertificateOutcome.Refused refused : report.refused()) {
            LOG.log(Level.WARNING, "Stored certificate {0} was not loaded ({1}): {2}. Fix it and PUT it again or POST"
                    + " /v1/certificates/{0}/reload.", refused.name(), refused.code(), refused.message());
        }
        if (!report.loaded().isEmpty() || !report.removed().isEmpty()) {
            LOG.log(Level.INFO, "Certificates loaded: {0}; withdrawn: {1}", report.loaded(), report.removed());
        }
        if (registry.list().isEmpty()) {
            LOG.log(Level.WARNING, "No certificate is loaded: the HTTPS listener is up but refuses every handshake"
                    + " (unrecognized_name) until one is added with PUT /v1/certificates/<name>.");
        }
    }

    private static String describe(CertificateOutcome outcome) {
        return switch (outcome) {
            case CertificateOutcome.Installed installed -> installed.certificate().name() + " reloaded, serial "
                    + installed.certificate().serial();
            case CertificateOutcome.Refused refused -> refused.name() + " refused (" + refused.code() + "): "
                    + refused.message() + "; the previous certificate stays in service";
            case CertificateOutcome.NotFound notFound -> notFound.name() + " is no longer registered";
            case CertificateOutcome.Rejected rejected -> rejected.errors().toString();
        };
    }

    private static void announce(InitialToken initial, Path dataDir) {
        Path file = dataDir.resolve("admin-token");
        try {
            switch (initial) {
                case InitialToken.Generated generated -> {
                    Files.deleteIfExists(file);
                    writeOwnerOnly(file, generated.secret() + "\n");
                    LOG.log(Level.INFO, "Generated the admin API token and wrote it to {0} (readable by its owner only)."
                            + " Use it as: Authorization: Bearer $(cat {0})", file);
                }
                case InitialToken.FromConfiguration ignored -> {
                    // A token file from an earlier start would no longer work: do not leave it to mislead.
                    if (Files.deleteIfExists(file)) {
                        LOG.log(Level.INFO, "Removed {0}: the admin token now comes from PORTICO_ADMIN_TOKEN", file);
                    }
                    LOG.log(Level.INFO, "Admin API token set from PORTICO_ADMIN_TOKEN");
                }
                case InitialToken.AlreadyStored ignored -> LOG.log(Level.INFO, "Admin API tokens already stored{0}",
                        Files.exists(file) ? "; the first one is in " + file : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the admin token to " + file, e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void createDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the data directory " + dataDir
                    + " (set PORTICO_DATA_DIR to a writable directory)", e);
        }
    }

    public int httpPort() {
        return server.port();
    }

    public int httpsPort() {
        return server.port(HTTPS_SOCKET);
    }

    public int adminPort() {
        return server.port(ADMIN_SOCKET);
    }

    /** The health probes' own listener's port; -1 when none is configured. */
    public int healthPort() {
        return server.port(HEALTH_SOCKET);
    }

    /**
     * Stops gracefully: the probes say "not ready" at once, the proxy listeners take no new connections, idle ones
     * close, and requests in flight get up to the shutdown grace to finish (their connections close after them);
     * then WebSockets hear 1001, and everything closes. One log line when stopping starts and one when it ends.
     */
    public void stop() {
        if (closed.get()) {
            return;
        }
        long started = System.nanoTime();
        state.stopping();
        int inFlight = proxy.requestsInFlight();
        LOG.log(Level.INFO, "Stopping: {0,choice,0#no request|1#1 request|1<{0,number,#} requests} in flight on"
                        + " {1,choice,0#no client connection|1#1 client connection|1<{1,number,#} client connections};"
                        + " up to {2} s for requests to finish", inFlight, proxy.openClientConnections(),
                shutdownGrace.toSeconds());
        proxy.drain();
        long deadline = started + shutdownGrace.toNanos();
        while (System.nanoTime() - deadline < 0
                && (proxy.requestsInFlight() > 0 || proxy.openClientConnections() > proxy.openWebSockets())) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int cut = proxy.requestsInFlight();
        close();
        LOG.log(Level.INFO, "Stopped after {0,number,#} ms; requests in flight: {1,number,#} finished,"
                        + " {2,number,#} cut",
                Duration.ofNanos(System.nanoTime() - started).toMillis(), Math.max(inFlight - cut, 0), cut);
    }

    /** Closes everything now; requests still in flight are cut. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state.stopping();
        poller.interrupt();
        watcher.close();
        healthChecks.close();
        // WebSocket peers hear "going away" rather than a cut connection
        proxy.closeWebSockets(WEBSOCKET_CLOSE_GRACE);
        server.stop();
        proxy.close();
        database.close();
        if (accessLog != null) {
            accessLog.close();
        }
    }

    /** SIGHUP: the access log's file is opened again by its path (after logrotate moved it). */
    public void reopenLogs() {
        if (accessLog != null) {
            accessLog.reopen();
            LOG.log(Level.INFO, "Reopening the access log");
        }
    }
}
