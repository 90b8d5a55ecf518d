package dev.portico.domain.routing;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTableTest {
    private static final Upstream USERS = new Upstream("users", List.of(new Target("http", "127.0.0.1", 9001, "", 1)));
    private static final Upstream ORDERS = new Upstream("orders", List.of(new Target("http", "127.0.0.1", 9002, "", 1)));

    /** A route to {@code users}; hosts are patterns in their stored form. */
    static Route route(String name, String prefix, String... hosts) {
        return new Route(name, Arrays.stream(hosts).map(HostPattern::new).toList(), prefix, "users", false, false,
                Duration.ofSeconds(5));
    }

    static RoutingTable table(Route... routes) {
        return RoutingTable.build(new Configuration(7, List.of(USERS, ORDERS), List.of(routes)));
    }

    /** The name of the route chosen, or "none". */
    static String resolve(RoutingTable table, String host, String path) {
        return switch (table.resolve(host, path)) {
            case ResolvedRoute resolved -> resolved.route().name();
            case RoutingDecision.NoRoute none -> "none";
            case RoutingDecision.BadPath bad -> "bad path";
        };
    }

    @ParameterizedTest(name = "{0}{1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a.example.org     | /        | exact
            b.example.org     | /        | wildcard
            x.b.example.org   | /x       | wildcard
            example.org       | /        | any
            other.test        | /        | any
            """)
    void exactHostBeatsWildcardBeatsAnyHost(String host, String path, String expected) {
        RoutingTable table = table(route("any", "/"), route("wildcard", "/", "*.example.org"),
                route("exact", "/", "a.example.org"));

        assertThat(resolve(table, host, path)).isEqualTo(expected);
    }

    @Test
    void aHostTierWinsEvenOverALongerPrefixOfALaterTier() {
        RoutingTable table = table(route("any-api", "/api/"), route("exact-root", "/", "a.example.org"));

        assertThat(resolve(table, "a.example.org", "/api/users")).isEqualTo("exact-root");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            a.b.example.org     | deep
            x.a.b.example.org   | deep
            a.c.example.org     | shallow
            b.example.org       | shallow
            a..b.example.org    | deep
            .b.example.org      | shallow
            .example.org        | none
            example.org         | none
            """)
    void longestWildcardSuffixWinsAndAWildcardNeedsALabelBeforeIt(String host, String expected) {
        RoutingTable table = table(route("shallow", "/", "*.example.org"), route("deep", "/", "*.b.example.org"));

        assertThat(resolve(table, host, "/")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}{1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''            | /               | root
            ''            | /apix           | api
            ''            | /api/v1         | api-slash
            ''            | /api/v2/users   | api-v2
            ''            | /api/v2         | api-slash
            ''            | /ap             | root
            h.test        | /api/v2/x       | h-api-v2
            h.test        | /api/v1         | h-api
            w.test        | /api/v2/x       | w-api-v2
            w.test        | /other          | root
            """)
    void longestPrefixWinsWithinATier(String host, String path, String expected) {
        RoutingTable table = table(
                route("root", "/"), route("api-v2", "/api/v2/"), route("api", "/api"), route("api-slash", "/api/"),
                route("h-api", "/api/", "h.test"), route("h-api-v2", "/api/v2/", "h.test"),
                route("w-api-v2", "/api/v2/", "*.test"), route("w-api", "/api", "*.test"));

        assertThat(resolve(table, host, path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}{1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a.example.org   | /admin/x    | exact-admin
            a.example.org   | /shop/x     | wildcard-shop
            a.example.org   | /other      | any
            b.example.org   | /admin/x    | any
            b.example.org   | /shop       | wildcard-shop
            """)
    void fallsThroughToTheNextTierWhenAHostsRoutesDoNotMatchThePath(String host, String path, String expected) {
        RoutingTable table = table(route("exact-admin", "/admin/", "a.example.org"),
                route("wildcard-shop", "/shop", "*.example.org"), route("any", "/"));

        assertThat(resolve(table, host, path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Host ''{0}''")
    @ValueSource(strings = {"a.example.org", "A.Example.ORG", "a.example.org.", "a.example.org:8080",
            "A.EXAMPLE.org.:443"})
    void ignoresPortCaseAndTrailingDotOfTheHost(String host) {
        RoutingTable table = table(route("any", "/"), route("exact", "/", "a.example.org"));

        assertThat(resolve(table, host, "/")).isEqualTo("exact");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL                    | ''
            ''                      | ''
            example.com             | example.com
            EXAMPLE.com:8080        | example.com
            example.com.            | example.com
            example.com.:80         | example.com
            [::1]                   | [::1]
            [::1]:8080              | [::1]
            [FE80::1]:443           | [fe80::1]
            127.0.0.1:9000          | 127.0.0.1
            """)
    void normalisesTheHostHeader(String header, String expected) {
        assertThat(RoutingTable.normalizeHost(header)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Host ''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {"[::1]:8080", "[::1]"})
    void aRequestWithoutAHostNameOnlyReachesAnyHostRoutes(String host) {
        RoutingTable withAnyHost = table(route("exact", "/", "a.example.org"), route("wild", "/", "*.org"),
                route("any", "/any/"));
        RoutingTable withoutAnyHost = table(route("exact", "/", "a.example.org"), route("wild", "/", "*.org"));

        assertThat(resolve(withAnyHost, host, "/any/x")).isEqualTo("any");
        assertThat(resolve(withAnyHost, host, "/")).isEqualTo("none");
        assertThat(resolve(withoutAnyHost, host, "/")).isEqualTo("none");
    }

    @Test
    void equalPrefixesGoToTheRouteWhoseNameSortsFirst() {
        RoutingTable table = table(route("b", "/x"), route("c", "/x"), route("a", "/x"),
                route("hb", "/", "h.test"), route("ha", "/", "h.test"));

        assertThat(resolve(table, "any", "/x")).isEqualTo("a");
        assertThat(resolve(table, "h.test", "/x")).isEqualTo("ha");
    }

    @Test
    void leavesOutARouteWhoseUpstreamIsMissing() {
        Route orphan = new Route("orphan", List.of(), "/orphan/", "gone", false, false, Duration.ofSeconds(1));
        RoutingTable table = table(orphan, route("root", "/"));

        assertThat(resolve(table, "h", "/orphan/x")).isEqualTo("root");
        assertThat(RoutingTable.build(new Configuration(1, List.of(USERS), List.of(orphan))).resolve("h", "/orphan/x"))
                .isSameAs(RoutingDecision.NoRoute.INSTANCE);
    }

    @Test
    void answersNoRouteWhenNothingMatches() {
        RoutingTable table = table(route("api", "/api/"), route("exact", "/", "a.example.org"));

        assertThat(RoutingTable.empty().resolve("a.example.org", "/")).isSameAs(RoutingDecision.NoRoute.INSTANCE);
        assertThat(table.resolve("b.example.org", "/other")).isSameAs(RoutingDecision.NoRoute.INSTANCE);
        assertThat(table.resolve("b.example.org", "/api")).isSameAs(RoutingDecision.NoRoute.INSTANCE);
    }

    @Test
    void aRouteAnswersForEveryHostItNames() {
        RoutingTable table = table(route("multi", "/", "a.test", "*.b.test"));

        assertThat(resolve(table, "a.test", "/")).isEqualTo("multi");
        assertThat(resolve(table, "x.b.test", "/")).isEqualTo("multi");
        assertThat(resolve(table, "c.test", "/")).isEqualTo("none");
    }

    @Test
    void joinsEachRouteWithItsUpstreamAndOneBalancerPerUpstream() {
        Route toOrders = new Route("orders", List.of(), "/orders/", "orders", false, false, Duration.ofSeconds(1));
        RoutingTable table = table(route("one", "/one/"), route("two", "/two/"), toOrders);

        ResolvedRoute one = (ResolvedRoute) table.resolve("h", "/one/");
        ResolvedRoute two = (ResolvedRoute) table.resolve("h", "/two/");
        ResolvedRoute orders = (ResolvedRoute) table.resolve("h", "/orders/");

        assertThat(one.upstream()).isEqualTo(USERS);
        assertThat(orders.upstream()).isEqualTo(ORDERS);
        // Shared, so that the upstream's weights hold across all the routes sending to it.
        assertThat(one.balancer()).isSameAs(two.balancer());
        assertThat(orders.balancer().targets()).isEqualTo(ORDERS.targets());
    }

    @Test
    void carriesTheRevisionOfItsConfiguration() {
        assertThat(RoutingTable.empty().revision()).isZero();
        assertThat(table(route("r", "/")).revision()).isEqualTo(7);
        assertThat(table(route("r", "/")).configuration().routes()).extracting(Route::name).containsExactly("r");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/api/../admin", "/api/./x", "/api/%2e%2E/admin", "/..",
            "/api/%2E"})
    void routesAPathWithADotSegmentNowhereEvenWhenARouteWouldMatchIt(String path) {
        RoutingTable table = table(new Route("api", List.of(), "/api", "users", false, false, Duration.ofSeconds(1)),
                new Route("all", List.of(), "/", "orders", false, false, Duration.ofSeconds(1)));

        assertThat(table.resolve("a.example.org", path)).isSameAs(RoutingDecision.BadPath.INSTANCE);
    }
}
