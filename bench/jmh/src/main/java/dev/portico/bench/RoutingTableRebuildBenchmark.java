package dev.portico.bench;

import dev.portico.domain.model.Configuration;
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

import java.util.concurrent.TimeUnit;

/** Building a new routing table after a change, as every admin write does, at 10,000 routes. */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoutingTableRebuildBenchmark {
    @Param({"10000"})
    public int routes;
    private Configuration configuration;

    @Setup
    public void load() {
        configuration = RoutingTableBenchmark.configuration(routes);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RoutingTable rebuild() {
        return RoutingTable.build(configuration);
    }
}
