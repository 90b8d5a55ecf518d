package dev.portico.domain.routing;

import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static dev.portico.domain.Outcomes.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@code rawPath} in upstreamPath: the raw request target as the client sent it, path and query
 * (the query is kept as is, and a stripped prefix never reaches into it, since a prefix cannot hold '?').
 */
class ResolvedRouteTest {

    static ResolvedRoute resolved(String prefix, boolean strip, String targetUrl) {
        Target target = valid(Target.parse("t", targetUrl, null));
        Upstream upstream = new Upstream("u", List.of(target));
        Route route = new Route("r", List.of(), prefix, "u", strip, false, Duration.ofSeconds(1));
        return new ResolvedRoute(route, upstream, LoadBalancer.of(upstream, TargetStates.systemClock()));
    }

    @ParameterizedTest(name = "prefix {0} strip {1} base {2}: {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/   | false | http://t:1       | /api/users          | /api/users
            /api/   | true  | http://t:1       | /api/users          | /users
            /api    | true  | http://t:1       | /api/users          | /users
            /api    | true  | http://t:1       | /api                | /
            /api/   | true  | http://t:1       | /api/               | /
            /api    | true  | http://t:1       | /apiary             | /ary
            /       | true  | http://t:1       | /x/y                | /x/y
            /       | true  | http://t:1       | /                   | /
            /api/   | true  | http://t:1       | /api/a%2Fb?x=%20&y  | /a%2Fb?x=%20&y
            /api    | true  | http://t:1       | /api?x=1            | /?x=1
            /api/   | true  | http://t:1       | /api/?x=1           | /?x=1
            /api/   | false | http://t:1       | /api/?x=1           | /api/?x=1
            /api/   | false | http://t:1/base  | /api/users          | /base/api/users
            /api/   | true  | http://t:1/base/ | /api/users?q        | /base/users?q
            /api/   | true  | http://t:1/base  | /api/               | /base/
            /api    | true  | http://t:1/base  | /api?q              | /base/?q
            /       | false | http://t:1/base  | /                   | /base/
            """)
    void buildsTheUpstreamPathFromPrefixStrippingAndBasePath(String prefix, boolean strip, String targetUrl,
                                                             String rawPath, String expected) {
        ResolvedRoute route = resolved(prefix, strip, targetUrl);
        Target target = route.upstream().targets().getFirst();

        assertThat(route.matchesPath(rawPath)).isTrue();
        assertThat(route.upstreamPath(target, rawPath)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "prefix {0} strip {1} target {2}: {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/ | false | http://127.0.0.1:9001      | http://127.0.0.1:9001/login         | https://proxy.test/login
            /api/ | false | http://127.0.0.1:9001      | http://127.0.0.1:9001               | https://proxy.test/
            /api/ | false | http://127.0.0.1:9001      | http://127.0.0.1:9001?next=1        | https://proxy.test/?next=1
            /api/ | true  | http://127.0.0.1:9001      | http://127.0.0.1:9001/login?x=1     | https://proxy.test/api/login?x=1
            /api  | true  | http://127.0.0.1:9001      | http://127.0.0.1:9001/login         | https://proxy.test/api/login
            /api/ | true  | http://127.0.0.1:9001      | http://127.0.0.1:9001               | https://proxy.test/api/
            /     | true  | http://127.0.0.1:9001      | http://127.0.0.1:9001/login         | https://proxy.test/login
            /api/ | true  | http://backend             | http://backend/x                    | https://proxy.test/api/x
            /api/ | true  | http://backend             | http://backend:80/x                 | https://proxy.test/api/x
            /api/ | true  | https://backend            | https://backend/x                   | https://proxy.test/api/x
            /api/ | true  | https://backend            | https://backend:443/x               | https://proxy.test/api/x
            /api/ | true  | http://backend:8080        | HTTP://BackEnd:8080/x               | https://proxy.test/api/x
            /api/ | true  | http://t:1/base            | http://t:1/base/x                   | https://proxy.test/api/x
            /api/ | true  | http://t:1/base            | http://t:1/base                     | https://proxy.test/api/
            /api/ | false | http://t:1/base            | http://t:1/base/api/x               | https://proxy.test/api/x
            /api/ | true  | http://t/base              | http://t/base/x#f                   | https://proxy.test/api/x#f
            /api/ | true  | http://[::1]:8080          | http://[::1]:8080/x                 | https://proxy.test/api/x
            """)
    void rewritesALocationPointingAtTheTargetToTheClientsAddress(String prefix, boolean strip, String targetUrl,
                                                                 String location, String expected) {
        ResolvedRoute route = resolved(prefix, strip, targetUrl);
        Target target = route.upstream().targets().getFirst();

        assertThat(route.rewriteLocation(location, target, "https", "proxy.test")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "target {0}: {1} untouched")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1:9001    | /relative/path
            http://127.0.0.1:9001    | relative
            http://127.0.0.1:9001    | //127.0.0.1:9001/x
            http://127.0.0.1:9001    | http://127.0.0.1:90010/x
            http://127.0.0.1:9001    | http://127.0.0.1:900
            http://127.0.0.1:9001    | http://127.0.0.1/x
            http://127.0.0.1:9001    | https://127.0.0.1:9001/x
            http://127.0.0.1:9001    | http://127.0.0.10:9001/x
            http://127.0.0.1:9001    | http://other.test/x
            http://127.0.0.1:9001    | http://user@127.0.0.1:9001/x
            http://backend           | http://backend.evil/x
            http://backend           | http://backend:8080/x
            http://backend           | https://backend/x
            http://t:1/base          | http://t:1/basement
            http://t:1/base          | http://t:1/other
            """)
    void leavesEveryOtherLocationUntouched(String targetUrl, String location) {
        ResolvedRoute route = resolved("/api/", true, targetUrl);
        Target target = route.upstream().targets().getFirst();

        assertThat(route.rewriteLocation(location, target, "https", "proxy.test")).isEqualTo(location);
    }

    @Test
    void rewritesForWhicheverTargetAnsweredAndKeepsTheClientsPort() {
        Upstream upstream = new Upstream("u", List.of(new Target("http", "a", 9001, "", 1), new Target("http", "b", 9002, "", 1)));
        Route route = new Route("r", List.of(), "/", "u", false, false, Duration.ofSeconds(1));
        ResolvedRoute resolved = new ResolvedRoute(route, upstream, LoadBalancer.of(upstream, TargetStates.systemClock()));
        Target b = upstream.targets().get(1);

        assertThat(resolved.rewriteLocation("http://b:9002/x", b, "http", "proxy.test:8080")).isEqualTo("http://proxy.test:8080/x");
        assertThat(resolved.rewriteLocation("http://a:9001/x", b, "http", "proxy.test:8080")).isEqualTo("http://a:9001/x");
    }

    @Test
    void matchesPathsAsAPlainStringPrefix() {
        ResolvedRoute route = resolved("/api", false, "http://t:1");

        assertThat(route.matchesPath("/api")).isTrue();
        assertThat(route.matchesPath("/apiary")).isTrue();
        assertThat(route.matchesPath("/API")).isFalse();
        assertThat(route.matchesPath("/ap")).isFalse();
    }

    @Test
    void refusesAnUpstreamOtherThanTheRoutes() {
        Upstream other = new Upstream("other", List.of(new Target("http", "t", 1, "", 1)));
        Route route = new Route("r", List.of(), "/", "u", false, false, Duration.ofSeconds(1));

        assertThatThrownBy(() -> new ResolvedRoute(route, other, LoadBalancer.of(other, TargetStates.systemClock())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
