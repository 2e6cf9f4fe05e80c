/**
 * JMH benchmarks for Roomcast, shaded into {@code chat-benchmarks/target/benchmarks.jar}
 * ({@code java -jar chat-benchmarks/target/benchmarks.jar}). The benchmarks themselves arrive
 * with the benchmarks issue: broadcast throughput against a raw {@code DatagramChannel}
 * fan-out, latency, codec allocation, handshakes per second, memory per member.
 */
package io.roomcast.benchmarks;
