package dev.portico.domain.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The audit log's account of a change: the resource it names and a short before/after summary. Stores call these
 * inside the write's transaction, where the "before" is exactly what the change replaced.
 */
public final class ChangeSummary {
    /** The size of the audit log's summary column (V2 schema). */
    public static final int MAX_LENGTH = 1000;
    public static final String CONFIGURATION_RESOURCE = "config";

    private ChangeSummary() {
    }

    public static String upstreamResource(String name) {
        return "upstreams/" + name;
    }

    public static String routeResource(String name) {
        return "routes/" + name;
    }

    public static String tokenResource(String name) {
        return "tokens/" + name;
    }

    public static String certificateResource(String name) {
        return "certificates/" + name;
    }

    /** Where the certificate now comes from; inline PEM is named, never quoted. */
    public static String certificate(boolean created, CertificateOrigin origin) {
        return limited((created ? "created: " : "replaced: ") + origin.describe());
    }

    public static String deleted() {
        return "deleted";
    }

    /** {@code created}, or what changed from {@code before}: {@code targets 1 -> 2}, {@code targets[0].weight 1 -> 0}. */
    public static String upstream(Optional<Upstream> before, Upstream after) {
        if (before.isEmpty()) {
            return "created: " + count(after.targets().size(), "target")
                    + (after.policy() == Policy.ROUND_ROBIN ? "" : ", policy " + after.policy().label());
        }
        List<Target> old = before.get().targets();
        List<Target> now = after.targets();
        List<String> changes = new ArrayList<>();
        if (old.size() != now.size()) {
            changes.add("targets " + old.size() + " -> " + now.size());
        }
        for (int i = 0; i < Math.min(old.size(), now.size()); i++) {
            field(changes, "targets[" + i + "].url", old.get(i), now.get(i), Target::url);
            field(changes, "targets[" + i + "].weight", old.get(i), now.get(i), Target::weight);
            field(changes, "targets[" + i + "].maxConnections", old.get(i), now.get(i), Target::maxConnections);
            field(changes, "targets[" + i + "].drain", old.get(i), now.get(i), Target::drain);
        }
        Upstream was = before.get();
        field(changes, "policy", was, after, u -> u.policy().label());
        field(changes, "hashOn", was, after, u -> u.hashOn().label());
        field(changes, "healthCheck", was, after, u -> u.healthCheck().map(ChangeSummary::healthCheck).orElse("none"));
        field(changes, "passive", was, after, u -> passive(u.passive()));
        field(changes, "retries", was, after, u -> u.retries().attempts() + " attempts within "
                + u.retries().totalTimeout().toMillis() + " ms");
        field(changes, "tls", was, after, u -> u.tls().describe());
        return joined(changes);
    }

    private static String healthCheck(HealthCheck check) {
        return "GET " + check.path() + " every " + check.interval().toMillis() + " ms (timeout "
                + check.timeout().toMillis() + " ms, healthy after " + check.healthyAfter() + ", unhealthy after "
                + check.unhealthyAfter() + ", expect " + check.expectStatus() + ")";
    }

    private static String passive(PassiveHealth passive) {
        if (!passive.enabled()) {
            return "off";
        }
        return passive.maxFailures() + " failures in " + passive.window().toMillis() + " ms eject for "
                + passive.ejectFor().toMillis() + "-" + passive.maxEjectFor().toMillis() + " ms"
                + (passive.count5xx() ? " (5xx count)" : "");
    }

    /** {@code created}, or each field that changed: {@code pathPrefix /api/ -> /v2/}. */
    public static String route(Optional<Route> before, Route after) {
        if (before.isEmpty()) {
            return "created: " + after.pathPrefix() + " -> " + after.upstream();
        }
        Route old = before.get();
        List<String> changes = new ArrayList<>();
        field(changes, "hosts", old, after, r -> r.hosts().toString());
        field(changes, "pathPrefix", old, after, Route::pathPrefix);
        field(changes, "upstream", old, after, Route::upstream);
        field(changes, "stripPrefix", old, after, Route::stripPrefix);
        field(changes, "preserveHost", old, after, Route::preserveHost);
        field(changes, "timeoutMs", old, after, r -> r.timeout().toMillis());
        field(changes, "redirectToHttps", old, after, Route::redirectToHttps);
        field(changes, "hsts", old, after, r -> r.hsts().map(Hsts::headerValue).orElse("none"));
        field(changes, "webSocketIdleTimeoutMs", old, after, r -> r.webSocketIdleTimeout().toMillis());
        return joined(changes);
    }

    /** The names a whole-configuration replacement added, changed and removed. */
    public static String configuration(ConfigurationDiff diff) {
        if (diff.isEmpty()) {
            return "unchanged";
        }
        List<String> parts = new ArrayList<>();
        names(parts, "added", diff.added());
        names(parts, "changed", diff.changed());
        names(parts, "removed", diff.removed());
        return limited(String.join("; ", parts));
    }

    public static String tokenCreated(TokenScope scope) {
        return "created with scope " + scope.label();
    }

    public static String tokenRevoked() {
        return "revoked";
    }

    private static void names(List<String> parts, String verb, ConfigurationDiff.Names names) {
        if (!names.upstreams().isEmpty()) {
            parts.add(verb + " upstreams " + String.join(", ", names.upstreams()));
        }
        if (!names.routes().isEmpty()) {
            parts.add(verb + " routes " + String.join(", ", names.routes()));
        }
    }

    private static <T> void field(List<String> changes, String name, T before, T after, Function<T, ?> value) {
        Object old = value.apply(before);
        Object now = value.apply(after);
        if (!Objects.equals(old, now)) {
            changes.add(name + " " + old + " -> " + now);
        }
    }

    private static String joined(List<String> changes) {
        return changes.isEmpty() ? "unchanged" : limited(String.join(", ", changes));
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Cut to the column's size; a summary is for reading, the configuration itself is elsewhere. */
    static String limited(String summary) {
        return summary.length() <= MAX_LENGTH ? summary : summary.substring(0, MAX_LENGTH - 3) + "...";
    }
}
