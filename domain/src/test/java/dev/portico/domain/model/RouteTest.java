package dev.portico.domain.model;

import dev.portico.domain.model.Route.RouteSpec;
import dev.portico.domain.validation.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static dev.portico.domain.Outcomes.errors;
import static dev.portico.domain.Outcomes.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTest {

    @Test
    void absentFieldsTakeTheirDefaults() {
        Route route = valid(Route.parse("all", new RouteSpec(null, null, "users", null, null, null)));

        assertThat(route.name()).isEqualTo("all");
        assertThat(route.hosts()).isEmpty();
        assertThat(route.pathPrefix()).isEqualTo("/");
        assertThat(route.upstream()).isEqualTo("users");
        assertThat(route.stripPrefix()).isFalse();
        assertThat(route.preserveHost()).isFalse();
        assertThat(route.timeout()).isEqualTo(Duration.ofSeconds(60)).isEqualTo(Route.DEFAULT_TIMEOUT);
    }

    @Test
    void keepsEveryFieldGiven() {
        Route route = valid(Route.parse("api", new RouteSpec(List.of("API.example.com", "*.example.org"), "/api/%7Euser/",
                "users", true, true, 1500L)));

        assertThat(route.hosts()).extracting(HostPattern::value).containsExactly("api.example.com", "*.example.org");
        assertThat(route.pathPrefix()).isEqualTo("/api/%7Euser/");
        assertThat(route.stripPrefix()).isTrue();
        assertThat(route.preserveHost()).isTrue();
        assertThat(route.timeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "api", "api/", "/a b", "/a?b", "/a#b", "/a\\b", "/%", "/%2", "/%zz", "/%2g", "/\t", "/é"})
    void refusesABadPathPrefix(String prefix) {
        assertThat(errors(Route.parse("r", new RouteSpec(null, prefix, "u", null, null, null))))
                .extracting(FieldError::field).containsExactly("pathPrefix");
    }

    @Test
    void acceptsAPrefixUpToTheMaximumLength() {
        String longest = "/" + "a".repeat(Route.MAX_PREFIX_LENGTH - 1);

        assertThat(valid(Route.parse("r", new RouteSpec(null, longest, "u", null, null, null))).pathPrefix()).hasSize(1024);
        assertThat(errors(Route.parse("r", new RouteSpec(null, longest + "a", "u", null, null, null))))
                .extracting(FieldError::field).containsExactly("pathPrefix");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 60_000, 86_400_000})
    void acceptsTimeoutsFromOneMillisecondToADay(long timeoutMs) {
        assertThat(valid(Route.parse("r", new RouteSpec(null, "/", "u", null, null, timeoutMs))).timeout())
                .isEqualTo(Duration.ofMillis(timeoutMs));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 86_400_001, Long.MAX_VALUE, Long.MIN_VALUE})
    void refusesTimeoutsOutOfRange(long timeoutMs) {
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", "u", null, null, timeoutMs))))
                .extracting(FieldError::field).containsExactly("timeoutMs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad name", "-u"})
    void refusesAMissingOrBadUpstreamName(String upstream) {
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", upstream, null, null, null))))
                .extracting(FieldError::field).containsExactly("upstream");
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", null, null, null, null))))
                .extracting(FieldError::field).containsExactly("upstream");
    }

    @Test
    void refusesAHostRepeatedUnderAnotherSpelling() {
        List<String> hosts = List.of("example.com", "a.example.com", "EXAMPLE.com.");

        assertThat(errors(Route.parse("r", new RouteSpec(hosts, "/", "u", null, null, null))))
                .singleElement().satisfies(error -> {
                    assertThat(error.field()).isEqualTo("hosts[2]");
                    assertThat(error.message()).contains("example.com");
                });
    }

    @Test
    void refusesMoreHostsThanTheMaximum() {
        List<String> hosts = Collections.nCopies(Route.MAX_HOSTS + 1, "example.com");

        assertThat(errors(Route.parse("r", new RouteSpec(hosts, "/", "u", null, null, null))))
                .extracting(FieldError::field).containsExactly("hosts");
    }

    @Test
    void reportsEveryErrorAtOnce() {
        RouteSpec spec = new RouteSpec(Arrays.asList("ok.example", null, "a.*.b"), "api", null, true, false, 0L);

        assertThat(errors(Route.parse("", spec))).extracting(FieldError::field)
                .containsExactly("name", "hosts[1]", "hosts[2]", "pathPrefix", "upstream", "timeoutMs");
    }

    @Test
    void constructorRefusesWhatParseWouldRefuse() {
        List<HostPattern> none = List.of();
        assertThatThrownBy(() -> new Route("r", none, "api", "u", false, false, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Route("r", none, "/", "u", false, false, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Route("r", none, "/", "u", false, false, Duration.ofHours(25)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Route("r", none, "/", "bad name", false, false, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void httpsAndWebSocketSettingsDefaultToNoRedirectNoHstsAndAnHour() {
        Route route = valid(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null)));

        assertThat(route.redirectToHttps()).isFalse();
        assertThat(route.hsts()).isEmpty();
        assertThat(route.webSocketIdleTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void keepsTheHttpsAndWebSocketSettingsGiven() {
        Route route = valid(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, true,
                new Route.HstsSpec(31_536_000L, true, true), 90_000L)));

        assertThat(route.redirectToHttps()).isTrue();
        assertThat(route.hsts()).contains(new Hsts(Duration.ofDays(365), true, true));
        assertThat(route.hsts().orElseThrow().headerValue()).isEqualTo("max-age=31536000; includeSubDomains; preload");
        assertThat(route.webSocketIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void hstsFlagsDefaultToFalseAndMaxAgeZeroIsAllowed() {
        Route route = valid(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null,
                new Route.HstsSpec(0L, null, null), null)));

        assertThat(route.hsts().orElseThrow().headerValue()).isEqualTo("max-age=0");
    }

    @Test
    void hstsWithoutMaxAgeIsRefusedNamingTheField() {
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null,
                new Route.HstsSpec(null, true, null), null))))
                .extracting(FieldError::field).containsExactly("hsts.maxAgeSeconds");
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Hsts.MAX_AGE_LIMIT_SECONDS + 1, Long.MIN_VALUE})
    void refusesAnHstsMaxAgeOutOfRange(long maxAge) {
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null,
                new Route.HstsSpec(maxAge, null, null), null))))
                .extracting(FieldError::field).containsExactly("hsts.maxAgeSeconds");
    }

    @Test
    void preloadNeedsIncludeSubDomainsAndAYear() {
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null,
                new Route.HstsSpec(31_536_000L, false, true), null))))
                .extracting(FieldError::field).containsExactly("hsts.preload");
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null,
                new Route.HstsSpec(86_400L, true, true), null))))
                .extracting(FieldError::field).containsExactly("hsts.preload");
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000, 86_400_000})
    void acceptsWebSocketIdleTimeoutsFromASecondToADay(long ms) {
        assertThat(valid(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null, null, ms)))
                .webSocketIdleTimeout()).isEqualTo(Duration.ofMillis(ms));
    }

    @ParameterizedTest
    @ValueSource(longs = {999, 0, -1, 86_400_001})
    void refusesWebSocketIdleTimeoutsOutOfRange(long ms) {
        assertThat(errors(Route.parse("r", new RouteSpec(null, "/", "u", null, null, null, null, null, ms))))
                .extracting(FieldError::field).containsExactly("webSocketIdleTimeoutMs");
    }

    @Test
    void constructorRefusesAWebSocketIdleTimeoutOutOfRange() {
        assertThatThrownBy(() -> new Route("r", List.of(), "/", "u", false, false, Duration.ofSeconds(1), false,
                java.util.Optional.empty(), Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
