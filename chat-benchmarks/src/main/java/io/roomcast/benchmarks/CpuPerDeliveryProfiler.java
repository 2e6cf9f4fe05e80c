package io.roomcast.benchmarks;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports {@link CpuPerDelivery}'s figure after each iteration as the secondary result
 * {@code :cpuNanosPerDelivery}, averaged over iterations. {@link BenchmarkMain} adds it to every
 * run; benchmarks that measure no CPU time report nothing here.
 */
public final class CpuPerDeliveryProfiler implements InternalProfiler {
    /** The secondary result's name. */
    static final String LABEL = "cpuNanosPerDelivery";

    @Override
    public String getDescription() {
        return "CPU time of the thread a throughput benchmark measures, per delivery";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        CpuPerDelivery.clearActiveFigure();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        double figure = CpuPerDelivery.activeFigure();
        if (Double.isNaN(figure)) {
            return List.of();
        }
        return List.of(new ScalarResult(LABEL, figure, "ns/delivery", AggregationPolicy.AVG));
    }
}
