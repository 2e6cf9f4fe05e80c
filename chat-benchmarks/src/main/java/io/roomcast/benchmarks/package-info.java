/**
 * JMH benchmarks for Roomcast, shaded into {@code chat-benchmarks/target/benchmarks.jar}.
 *
 * <p>Run them all, in one JVM invocation so that ratios between them mean something on a noisy
 * machine: {@code ./mvnw -B -q -DskipTests -pl chat-benchmarks -am package && java -jar
 * chat-benchmarks/target/benchmarks.jar}. Each benchmark's Javadoc gives the command that runs
 * it alone. {@code BENCHMARKS.md} at the root of the repository has the figures.
 *
 * <ul>
 *   <li>{@link io.roomcast.benchmarks.BroadcastThroughputBenchmark} — deliveries per second in a
 *       real room on loopback, beside its yardstick {@link io.roomcast.benchmarks.RawFanoutBenchmark};</li>
 *   <li>{@link io.roomcast.benchmarks.LatencyBenchmark} — send to every member, percentiles;</li>
 *   <li>{@link io.roomcast.benchmarks.CodecBenchmark} — one chat message through the codec and
 *       AES-GCM, with allocation per message ({@code -prof gc});</li>
 *   <li>{@link io.roomcast.benchmarks.HandshakeBenchmark} — joins per second;</li>
 *   <li>{@link io.roomcast.benchmarks.JoinCostBenchmark} — the CPU one join costs the server and the client;</li>
 *   <li>{@link io.roomcast.benchmarks.IdleMemberMemoryBenchmark} — heap retained per idle member;</li>
 *   <li>{@link io.roomcast.benchmarks.LoopTurnBenchmark} — the server's timer bookkeeping per loop turn;</li>
 *   <li>{@link io.roomcast.benchmarks.ClusterThroughputBenchmark} and
 *       {@link io.roomcast.benchmarks.ClusterLatencyBenchmark} — one room on one node beside one
 *       room on three nodes ordered through Raft, messages per second and latency.</li>
 * </ul>
 */
package io.roomcast.benchmarks;
