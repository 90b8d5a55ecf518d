package dev.portico.bench;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.domain.routing.RoutingTable;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Route resolution at 10, 1,000 and 100,000 routes.
 * Routes mix exact hosts (ten path prefixes each), wildcard hosts and any-host routes; requests hit all three
 * tiers and some miss.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoutingTableBenchmark {
    @Param({"10", "1000", "100000"})
    public int routes;

    private RoutingTable table;
    private Configuration configuration;
    private String[] hosts;
    private String[] paths;
    private int next;

    @Setup
    public void build() {
        configuration = configuration(routes);
        table = RoutingTable.build(configuration);
        SplittableRandom random = new SplittableRandom(42);
        int n = 4096;
        hosts = new String[n];
        paths = new String[n];
        int hostCount = Math.max(1, routes / 10);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            int h = random.nextInt(hostCount);
            hosts[i] = switch (kind) {
                case 0 -> "a.b.wild" + (h % Math.max(1, routes / 100)) + ".example.org";
                case 1 -> "unknown" + h + ".example.net";
                default -> "h" + h + ".example.com:8080";
            };
            paths[i] = "/p" + random.nextInt(12) + "/users/" + i + "?page=" + (i % 7);
        }
    }

    static Configuration configuration(int routes) {
        Upstream upstream = new Upstream("app", List.of(new Target("http", "127.0.0.1", 9001, "", 1)));
        List<Route> list = new ArrayList<>(routes);
        for (int i = 0; i < routes; i++) {
            List<HostPattern> hostList = switch (i % 100) {
                case 0 -> List.of();
                case 1 -> List.of(new HostPattern("*.wild" + (i / 100) + ".example.org"));
                default -> List.of(new HostPattern("h" + (i / 10) + ".example.com"));
            };
            list.add(new Route("r" + i, hostList, "/p" + (i % 10) + "/", "app", false, false, Duration.ofSeconds(60)));
        }
        return new Configuration(1, List.of(upstream), list);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public RoutingDecision resolve() {
        int i = next++ & (hosts.length - 1);
        return table.resolve(hosts[i], paths[i]);
    }
}
