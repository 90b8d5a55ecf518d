package dev.portico.domain.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeSummaryTest {
    private static final Target A = new Target("http", "a", 1, "", 1);
    private static final Target B = new Target("http", "b", 1, "", 1);

    static Route route(String prefix, String upstream, Duration timeout) {
        return new Route("api", List.of(), prefix, upstream, false, false, timeout);
    }

    @Test
    void aNewUpstreamIsCreatedWithItsTargetCount() {
        assertThat(ChangeSummary.upstream(Optional.empty(), new Upstream("u", List.of(A))))
                .isEqualTo("created: 1 target");
        assertThat(ChangeSummary.upstream(Optional.empty(), new Upstream("u", List.of(A, B))))
                .isEqualTo("created: 2 targets");
    }

    @Test
    void aReplacedUpstreamSaysHowItsTargetsChanged() {
        Upstream one = new Upstream("u", List.of(A));
        Upstream two = new Upstream("u", List.of(A, B));
        Upstream drained = new Upstream("u", List.of(new Target("http", "a", 1, "", 0), B));

        assertThat(ChangeSummary.upstream(Optional.of(one), two)).isEqualTo("targets 1 -> 2");
        assertThat(ChangeSummary.upstream(Optional.of(two), drained)).isEqualTo("targets[0].weight 1 -> 0");
        assertThat(ChangeSummary.upstream(Optional.of(one), new Upstream("u", List.of(B))))
                .isEqualTo("targets[0].url http://a:1 -> http://b:1");
        assertThat(ChangeSummary.upstream(Optional.of(one), one)).isEqualTo("unchanged");
    }

    @Test
    void aReplacedRouteNamesEachFieldThatChanged() {
        Route before = route("/api/", "users", Duration.ofSeconds(1));
        Route after = route("/v2/", "orders", Duration.ofSeconds(2));

        assertThat(ChangeSummary.route(Optional.of(before), after))
                .isEqualTo("pathPrefix /api/ -> /v2/, upstream users -> orders, timeoutMs 1000 -> 2000");
        assertThat(ChangeSummary.route(Optional.empty(), before)).isEqualTo("created: /api/ -> users");
    }

    @Test
    void aReplacedRouteNamesItsHttpsAndWebSocketChanges() {
        Route before = route("/api/", "users", Duration.ofSeconds(1));
        Route after = new Route("api", List.of(), "/api/", "users", false, false, Duration.ofSeconds(1), true,
                Optional.of(new Hsts(Duration.ofSeconds(600), true, false)), Duration.ofSeconds(30));

        assertThat(ChangeSummary.route(Optional.of(before), after)).isEqualTo("redirectToHttps false -> true, "
                + "hsts none -> max-age=600; includeSubDomains, webSocketIdleTimeoutMs 3600000 -> 30000");
    }

    @Test
    void aConfigurationReplacementListsTheNamesByWhatHappenedToThem() {
        ConfigurationDiff diff = new ConfigurationDiff(
                new ConfigurationDiff.Names(List.of("new"), List.of()),
                new ConfigurationDiff.Names(List.of(), List.of("api", "web")),
                new ConfigurationDiff.Names(List.of("old"), List.of("legacy")));

        assertThat(ChangeSummary.configuration(diff)).isEqualTo(
                "added upstreams new; changed routes api, web; removed upstreams old; removed routes legacy");
    }

    @Test
    void aLongSummaryIsCutToFitTheColumn() {
        List<String> many = java.util.stream.IntStream.range(0, 500).mapToObj(i -> "upstream-" + i).toList();
        ConfigurationDiff diff = new ConfigurationDiff(new ConfigurationDiff.Names(many, List.of()),
                ConfigurationDiff.Names.NONE, ConfigurationDiff.Names.NONE);

        String summary = ChangeSummary.configuration(diff);

        assertThat(summary).hasSize(ChangeSummary.MAX_LENGTH).startsWith("added upstreams upstream-0, ").endsWith("...");
    }

    @Test
    void tokenChangesSayTheScope() {
        assertThat(ChangeSummary.tokenCreated(TokenScope.READ)).isEqualTo("created with scope read");
        assertThat(ChangeSummary.tokenResource("ci")).isEqualTo("tokens/ci");
    }
}
