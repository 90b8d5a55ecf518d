package dev.portico.http.health;

import dev.portico.domain.health.HealthStatusSetter;
import dev.portico.domain.health.TargetKey;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HealthCheck;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.model.UpstreamTls;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs every upstream's active health check: one virtual thread per target, probing with a plain HTTP GET and
 * reporting each verdict to the domain's health model through a {@link HealthStatusSetter}.
 * <p>
 * {@link #reconcile} is given each new configuration snapshot and starts the probes of new targets, stops those of
 * removed ones (or whose check changed) and leaves the others running, so an admin change elsewhere neither resets
 * a target's counts nor probes it twice.
 * <p>
 * Probes use the JDK's {@link HttpClient} rather than Helidon's webclient: they must not take connections from, or
 * tune, the proxy's own upstream pool; they need a per-request timeout and nothing else (no client services, no
 * redirects); and a blocking {@code send} is the natural shape on a virtual thread. One client serves all probes
 * of targets verified against the JDK's trusted CAs, and one more each upstream CA bundle in use, so that an https
 * target is probed with the trust the proxy uses for it.
 */
public final class ActiveHealthChecks implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ActiveHealthChecks.class.getName());

    private final HealthStatusSetter health;
    /**
     * The client of targets checked with the JDK's CAs; made with the first probe that needs it (loading the JDK's
     * trust store takes a tenth of a second, which a start without health checks need not pay). Guarded by the lock.
     */
    private HttpClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<TargetKey, Probe> probes = new HashMap<>();
    /** A client per CA bundle in use; guarded by the lock. */
    private final Map<UpstreamTls, HttpClient> bundleClients = new HashMap<>();
    private boolean closed;

    public ActiveHealthChecks(HealthStatusSetter health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    /** A probing client; with {@code tls} null, the JDK's trusted CAs. Host names are verified either way. */
    private static HttpClient newClient(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    /** A context trusting the bundle's certificates only, as the proxy does. */
    private static SSLContext trusting(UpstreamTls tls) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            try {
                int i = 0;
                for (X509Certificate certificate : tls.caCertificates()) {
                    trusted.setCertificateEntry("ca-" + i++, certificate);
                }
            } catch (IllegalArgumentException e) {
                // only a bundle edited in the database by hand: trusting nothing makes its probes fail, loudly
                LOGGER.log(System.Logger.Level.WARNING, "An upstream's CA bundle cannot be read (" + e.getMessage()
                        + "); its https targets' health checks will fail");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK cannot build a TLS context", e);
        }
    }

    /** Called with the lock held. */
    private HttpClient clientFor(Target target) {
        UpstreamTls tls = target.tls();
        if (tls.usesJdkTrust()) {
            if (client == null) {
                client = newClient(null);
            }
            return client;
        }
        return bundleClients.computeIfAbsent(tls, t -> newClient(trusting(t)));
    }

    /** What one target's probe does; a change of any part means a new probe. */
    record Plan(TargetKey key, Target target, HealthCheck check) {
    }

    /**
     * Brings the running probes in line with {@code configuration}: one per target of every upstream that has a
     * health check. Returns once new probes are started and removed ones told to stop.
     */
    public void reconcile(Configuration configuration) {
        Map<TargetKey, Plan> wanted = new HashMap<>();
        for (Upstream upstream : configuration.upstreams()) {
            upstream.healthCheck().ifPresent(check -> {
                for (Target target : upstream.targets()) {
                    TargetKey key = TargetKey.of(upstream.name(), target);
                    wanted.put(key, new Plan(key, target, check));
                }
            });
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            probes.entrySet().removeIf(entry -> {
                Plan plan = wanted.get(entry.getKey());
                if (plan != null && sameProbe(plan, entry.getValue().plan())) {
                    return false;
                }
                entry.getValue().stop();
                return true;
            });
            wanted.forEach((key, plan) -> probes.computeIfAbsent(key,
                    k -> Probe.start(plan, clientFor(plan.target()), health)));
            bundleClients.entrySet().removeIf(entry -> {
                boolean used = probes.values().stream().anyMatch(p -> p.plan().target().tls().equals(entry.getKey()));
                if (!used) {
                    entry.getValue().shutdownNow();
                }
                return !used;
            });
        } finally {
            lock.unlock();
        }
    }

    /** A target's weight or drain flag changes nothing about how it is probed; its trust does. */
    private static boolean sameProbe(Plan a, Plan b) {
        return a.check().equals(b.check()) && a.target().url().equals(b.target().url())
                && a.target().tls().equals(b.target().tls());
    }

    /** The running probe of each target, for tests: which targets are probed, and by which thread. */
    Map<TargetKey, Thread> running() {
        lock.lock();
        try {
            Map<TargetKey, Thread> threads = new HashMap<>();
            probes.forEach((key, probe) -> threads.put(key, probe.thread()));
            return threads;
        } finally {
            lock.unlock();
        }
    }

    /** Stops every probe; later reconciles start none. */
    @Override
    public void close() {
        HttpClient jdkTrust;
        lock.lock();
        try {
            closed = true;
            probes.values().forEach(Probe::stop);
            probes.clear();
            bundleClients.values().forEach(HttpClient::shutdownNow);
            bundleClients.clear();
            jdkTrust = client;
        } finally {
            lock.unlock();
        }
        if (jdkTrust != null) {
            jdkTrust.shutdownNow();
        }
        LOGGER.log(System.Logger.Level.DEBUG, "active health checks stopped");
    }
}
