package io.roomcast.benchmarks;

import java.util.Arrays;

/**
 * The benchmarks jar's entry point: JMH's own command line, with {@link CpuPerDeliveryProfiler}
 * always added so that the throughput benchmarks report {@code :cpuNanosPerDelivery}. Every JMH
 * option works as usual ({@code -h} lists them).
 */
public final class BenchmarkMain {
    private BenchmarkMain() {
    }

    /** Runs JMH with {@code args} and the CPU-per-delivery profiler. */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(withCpuProfiler(args));
    }

    static String[] withCpuProfiler(String[] args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-prof";
        all[args.length + 1] = CpuPerDeliveryProfiler.class.getName();
        return all;
    }
}
