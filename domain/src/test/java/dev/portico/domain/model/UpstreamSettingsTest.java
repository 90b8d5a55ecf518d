package dev.portico.domain.model;

import dev.portico.domain.model.Upstream.HealthCheckSpec;
import dev.portico.domain.model.Upstream.PassiveSpec;
import dev.portico.domain.model.Upstream.RetriesSpec;
import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.model.Upstream.UpstreamSpec;
import dev.portico.domain.validation.FieldError;
import dev.portico.domain.validation.Validated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamSettingsTest {
    private static final List<TargetSpec> ONE = List.of(new TargetSpec("http://127.0.0.1:9001", 1));

    private static Upstream valid(UpstreamSpec spec) {
        return switch (Upstream.parse("app", spec)) {
            case Validated.Valid<Upstream> valid -> valid.value();
            case Validated.Invalid<Upstream> invalid -> throw new AssertionError(invalid.errors());
        };
    }

    private static List<FieldError> errors(UpstreamSpec spec) {
        return switch (Upstream.parse("app", spec)) {
            case Validated.Valid<Upstream> valid -> throw new AssertionError("valid: " + valid.value());
            case Validated.Invalid<Upstream> invalid -> invalid.errors();
        };
    }

    @Test
    void anUpstreamGivenOnlyTargetsTakesEveryDefault() {
        Upstream upstream = valid(UpstreamSpec.of(ONE));

        assertThat(upstream.policy()).isEqualTo(Policy.ROUND_ROBIN);
        assertThat(upstream.hashOn()).isEqualTo(HashOn.CLIENT_IP);
        assertThat(upstream.healthCheck()).isEmpty();
        assertThat(upstream.passive()).isEqualTo(PassiveHealth.DEFAULT);
        assertThat(upstream.retries()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(upstream.targets().getFirst().maxConnections()).isZero();
        assertThat(upstream.targets().getFirst().drain()).isFalse();
    }

    @Test
    void readsEverySettingAsWritten() {
        Upstream upstream = valid(new UpstreamSpec(
                List.of(new TargetSpec("http://127.0.0.1:9001", 2, 100, false), new TargetSpec("http://127.0.0.1:9002", 1, null, true)),
                "hash", "header:X-User",
                new HealthCheckSpec("/healthz", 500L, 200L, 2, 3, "200-299"),
                new PassiveSpec(5, 30_000L, 2000L, 60_000L, true),
                new RetriesSpec(3, 4000L)));

        assertThat(upstream.policy()).isEqualTo(Policy.HASH);
        assertThat(upstream.hashOn()).isEqualTo(new HashOn.Header("X-User"));
        assertThat(upstream.healthCheck()).contains(new HealthCheck("/healthz", Duration.ofMillis(500),
                Duration.ofMillis(200), 2, 3, 200, 299));
        assertThat(upstream.passive()).isEqualTo(new PassiveHealth(5, Duration.ofSeconds(30), Duration.ofSeconds(2),
                Duration.ofMinutes(1), true));
        assertThat(upstream.retries()).isEqualTo(new RetryPolicy(3, Duration.ofSeconds(4)));
        assertThat(upstream.targets()).extracting(Target::maxConnections, Target::drain)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(100, false), org.assertj.core.groups.Tuple.tuple(0, true));
    }

    @Test
    void aHealthCheckWithOnlyAPathTakesTheOtherDefaults() {
        Upstream upstream = valid(new UpstreamSpec(ONE, null, null,
                new HealthCheckSpec("/healthz", null, null, null, null, null), null, null));

        assertThat(upstream.healthCheck()).contains(new HealthCheck("/healthz", HealthCheck.DEFAULT_INTERVAL,
                HealthCheck.DEFAULT_TIMEOUT, HealthCheck.DEFAULT_HEALTHY_AFTER, HealthCheck.DEFAULT_UNHEALTHY_AFTER, 200, 399));
        assertThat(upstream.healthCheck().orElseThrow().expectStatus()).isEqualTo("200-399");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"client_ip", "header:X-Session-Id", "cookie:sid"})
    void acceptsEachFormOfHashOn(String label) {
        assertThat(valid(new UpstreamSpec(ONE, "hash", label, null, null, null)).hashOn().label()).isEqualTo(label);
    }

    @Test
    void namesEveryFieldAtFault() {
        List<FieldError> errors = errors(new UpstreamSpec(
                List.of(new TargetSpec("http://127.0.0.1:9001", 1, -1, null)),
                "fastest", "header:",
                new HealthCheckSpec("healthz", 0L, 0L, 0, 101, "2xx"),
                new PassiveSpec(-1, 0L, 0L, 0L, null),
                new RetriesSpec(11, 0L)));

        assertThat(errors).extracting(FieldError::field).containsExactly(
                "targets[0].maxConnections", "policy", "hashOn",
                "healthCheck.path", "healthCheck.intervalMs", "healthCheck.timeoutMs", "healthCheck.healthyAfter",
                "healthCheck.unhealthyAfter", "healthCheck.expectStatus",
                "passive.maxFailures", "passive.windowMs", "passive.ejectMs", "passive.maxEjectMs",
                "retries.attempts", "retries.totalTimeoutMs");
        assertThat(errors.get(1).message()).contains("round_robin, least_requests, random, hash, first");
    }

    @Test
    void refusesHashOnForAnotherPolicyAndATimeoutLongerThanTheInterval() {
        List<FieldError> errors = errors(new UpstreamSpec(ONE, "random", "client_ip",
                new HealthCheckSpec("/", 100L, 200L, null, null, null), new PassiveSpec(null, null, 5000L, 1000L, null),
                null));

        assertThat(errors).extracting(FieldError::field)
                .containsExactly("hashOn", "healthCheck.timeoutMs", "passive.maxEjectMs");
    }

    @ParameterizedTest
    @CsvSource({"200, 200, 200", "200-399, 200, 399", "100-599, 100, 599"})
    void readsAStatusOrARange(String text, int low, int high) {
        assertThat(Upstream.statusRange(text)).containsExactly(low, high);
    }

    @ParameterizedTest
    @CsvSource({"399-200", "600", "099", "2xx", "200-", "200 - 399"})
    void refusesMalformedStatusRanges(String text) {
        assertThat(Upstream.statusRange(text)).isNull();
    }

    @Test
    void theOldTwoArgumentFormsStillBuildTheDefaults() {
        Target target = new Target("http", "a", 1, "", 1);
        Upstream upstream = new Upstream("app", List.of(target));

        assertThat(upstream).isEqualTo(new Upstream("app", List.of(target), Policy.ROUND_ROBIN, HashOn.CLIENT_IP,
                Optional.empty(), PassiveHealth.DEFAULT, RetryPolicy.DEFAULT));
        assertThat(new TargetSpec("http://a:1", 2)).isEqualTo(new TargetSpec("http://a:1", 2, null, null));
    }

    @Test
    void anEjectionDoublesUpToItsMaximum() {
        PassiveHealth passive = new PassiveHealth(1, Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1), false);

        assertThat(List.of(1, 2, 3, 4, 10).stream().map(n -> passive.ejection(n).toMillis()))
                .containsExactly(300L, 600L, 1000L, 1000L, 1000L);
    }
}
