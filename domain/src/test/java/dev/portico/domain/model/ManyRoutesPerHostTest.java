package dev.portico.domain.model;

import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.routing.RoutingTable;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hosts with many routes are matched through the prefix index: same answers as the scan of a few routes. */
class ManyRoutesPerHostTest {
    private static final Upstream APP = new Upstream("app", List.of(new Target("http", "127.0.0.1", 9001, "", 1)));

    private static Route route(String name, String host, String prefix) {
        return new Route(name, host == null ? List.of() : List.of(new HostPattern(host)), prefix, "app", false, false,
                Duration.ofSeconds(1));
    }

    private static String resolve(RoutingTable table, String host, String path) {
        return table.resolve(host, path) instanceof ResolvedRoute r ? r.route().name() : "none";
    }

    @Test
    void theLongestPrefixWinsAmongHundredsOfRoutesOfOneHost() {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            routes.add(route("r" + i, "example.com", "/p" + i + "/"));
        }
        routes.add(route("api", "example.com", "/api/"));
        routes.add(route("api-v2", "example.com", "/api/v2/"));
        routes.add(route("root", "example.com", "/"));
        RoutingTable table = RoutingTable.build(new Configuration(1, List.of(APP), routes));

        assertThat(resolve(table, "example.com", "/p250/x")).isEqualTo("r250");
        assertThat(resolve(table, "example.com", "/p25/x")).isEqualTo("r25");
        assertThat(resolve(table, "example.com", "/api/v2/users?x=1")).isEqualTo("api-v2");
        assertThat(resolve(table, "example.com", "/api/v1/users")).isEqualTo("api");
        assertThat(resolve(table, "example.com", "/elsewhere")).isEqualTo("root");
        assertThat(resolve(table, "example.com", "/")).isEqualTo("root");
    }

    @Test
    void equalPrefixesGoToTheRouteWhoseNameSortsFirstAndOtherTiersStillServeWhatAHostLeaves() {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            routes.add(route("z" + i, "example.com", "/same/"));
        }
        routes.add(route("a-first", "example.com", "/same/"));
        for (int i = 0; i < 20; i++) {
            routes.add(route("any" + i, null, "/any" + i + "/"));
        }
        RoutingTable table = RoutingTable.build(new Configuration(1, List.of(APP), routes));

        assertThat(resolve(table, "example.com", "/same/x")).isEqualTo("a-first");
        assertThat(resolve(table, "EXAMPLE.com:8080", "/any7/x")).isEqualTo("any7");
        assertThat(resolve(table, "example.com", "/nothing")).isEqualTo("none");
        assertThat(resolve(table, "example.com", "/same")).isEqualTo("none");
    }
}
