package dev.portico.persistence;

import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.HealthCheck;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.model.UpstreamTls;

import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One row of {@code upstreams}: its name, ETag revision and every setting but the targets (V3 columns, and V6's CA
 * bundle: NULL for the JDK's trusted CAs).
 */
record UpstreamRow(String name, long updatedRevision, String policy, String hashOn, String hcPath, Long hcIntervalMs,
                   Long hcTimeoutMs, Integer hcHealthyAfter, Integer hcUnhealthyAfter, Integer hcExpectLow,
                   Integer hcExpectHigh, int passiveMaxFailures, long passiveWindowMs, long passiveEjectMs,
                   long passiveMaxEjectMs, boolean passiveCount5xx, int retryAttempts, long retryTotalTimeoutMs,
                   String tlsCaPem) {
    static UpstreamRow map(ResultSet row) throws SQLException {
        return new UpstreamRow(row.getString("name"), row.getLong("updated_revision"), row.getString("policy"),
                row.getString("hash_on"), row.getString("hc_path"), row.getObject("hc_interval_ms", Long.class),
                row.getObject("hc_timeout_ms", Long.class), row.getObject("hc_healthy_after", Integer.class),
                row.getObject("hc_unhealthy_after", Integer.class), row.getObject("hc_expect_low", Integer.class),
                row.getObject("hc_expect_high", Integer.class), row.getInt("passive_max_failures"),
                row.getLong("passive_window_ms"), row.getLong("passive_eject_ms"), row.getLong("passive_max_eject_ms"),
                row.getBoolean("passive_count_5xx"), row.getInt("retry_attempts"), row.getLong("retry_total_timeout_ms"),
                row.getString("tls_ca_pem"));
    }

    /**
     * Binds the settings of {@link Sql#INSERT_UPSTREAM} and {@link Sql#UPDATE_UPSTREAM}, typed so that NULLs bind on
     * PostgreSQL too.
     */
    static <S extends SqlStatement<S>> S bindSettings(S statement, Upstream upstream) {
        Optional<HealthCheck> check = upstream.healthCheck();
        PassiveHealth passive = upstream.passive();
        return statement
                .bind("policy", upstream.policy().label())
                .bind("hashOn", upstream.hashOn().label())
                .bindByType("hcPath", check.map(HealthCheck::path).orElse(null), String.class)
                .bindByType("hcIntervalMs", check.map(c -> c.interval().toMillis()).orElse(null), Long.class)
                .bindByType("hcTimeoutMs", check.map(c -> c.timeout().toMillis()).orElse(null), Long.class)
                .bindByType("hcHealthyAfter", check.map(HealthCheck::healthyAfter).orElse(null), Integer.class)
                .bindByType("hcUnhealthyAfter", check.map(HealthCheck::unhealthyAfter).orElse(null), Integer.class)
                .bindByType("hcExpectLow", check.map(HealthCheck::expectLow).orElse(null), Integer.class)
                .bindByType("hcExpectHigh", check.map(HealthCheck::expectHigh).orElse(null), Integer.class)
                .bind("passiveMaxFailures", passive.maxFailures())
                .bind("passiveWindowMs", passive.window().toMillis())
                .bind("passiveEjectMs", passive.ejectFor().toMillis())
                .bind("passiveMaxEjectMs", passive.maxEjectFor().toMillis())
                .bind("passiveCount5xx", passive.count5xx())
                .bind("retryAttempts", upstream.retries().attempts())
                .bind("retryTotalTimeoutMs", upstream.retries().totalTimeout().toMillis())
                .bindByType("tlsCaPem", upstream.tls().caPem().orElse(null), String.class);
    }

    Upstream toUpstream(List<Target> targets) {
        Policy parsedPolicy = Policy.ofLabel(policy).orElseThrow(() -> corrupt("policy " + policy));
        HashOn parsedHashOn = HashOn.ofLabel(hashOn).orElseThrow(() -> corrupt("hash_on " + hashOn));
        Optional<HealthCheck> check = hcPath == null ? Optional.empty() : Optional.of(new HealthCheck(hcPath,
                Duration.ofMillis(hcIntervalMs), Duration.ofMillis(hcTimeoutMs), hcHealthyAfter, hcUnhealthyAfter,
                hcExpectLow, hcExpectHigh));
        return new Upstream(name, targets, parsedPolicy, parsedHashOn, check,
                new PassiveHealth(passiveMaxFailures, Duration.ofMillis(passiveWindowMs), Duration.ofMillis(passiveEjectMs),
                        Duration.ofMillis(passiveMaxEjectMs), passiveCount5xx),
                new RetryPolicy(retryAttempts, Duration.ofMillis(retryTotalTimeoutMs)),
                new UpstreamTls(Optional.ofNullable(tlsCaPem)));
    }

    private IllegalStateException corrupt(String what) {
        return new IllegalStateException("upstream " + name + " has a stored " + what + " that Portico does not know");
    }
}
