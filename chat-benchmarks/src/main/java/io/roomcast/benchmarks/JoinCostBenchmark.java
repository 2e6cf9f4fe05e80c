package io.roomcast.benchmarks;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpClientSession;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpServerSession;
import io.roomcast.internal.crypto.SrpVerifier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU one join costs each side, without sockets or threads: the SRP-6a exchange over the RFC
 * 5054 2048-bit group exactly as the handshake runs it.
 *
 * <ul>
 *   <li>{@link #serverJoin}: the server's part of one HELLO to PROOF — the session with a fresh
 *       {@code b} and {@code B = k*v + g^b}, {@code PAD(B)}, then {@code u}, {@code S = (A*v^u)^b},
 *       {@code K}, the check of {@code M1}, {@code M2}, and the connection's keys.</li>
 *   <li>{@link #clientJoin}: the client's part — {@code A = g^a}, then {@code x}, {@code g^x},
 *       {@code S = (B - k*g^x)^(a+u*x)}, {@code K}, {@code M1}, the check of {@code M2}, the keys.</li>
 *   <li>{@link #roomVerifier}: what a room pays once as it starts, {@code v = g^x} and whatever
 *       the verifier prepares for the joins to come.</li>
 * </ul>
 *
 * <p>{@code exponentiation=modPow} runs every exponentiation with {@link BigInteger#modPow}, as
 * before the tables of fixed-base powers, beside {@code fixedBase}, as shipped, in the same run; the
 * tables are built in setup or warm-up (after their first 24 uses), so the figures are a busy
 * server's. {@link #roomVerifier} makes each verifier anew, so its table is never built there: a
 * room builds it at its 25th join (about 9 ms of CPU, once).
 *
 * <p>Each side replays exchanges recorded in setup (the private values come from seeded
 * {@link Random}s, so the recorded proofs stay valid), so neither side's figure contains the other's
 * work. Besides the average time, {@code :cpuMicros} divided by {@code :ops} is the benchmark
 * thread's own CPU time per operation ({@link ThreadMXBean#getCurrentThreadCpuTime()}), which other load on a shared
 * machine disturbs less.
 *
 * <p>{@code java -jar chat-benchmarks/target/benchmarks.jar JoinCost}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 4)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class JoinCostBenchmark {
    /** {@code modPow}: every exponentiation with {@code BigInteger.modPow}, the yardstick; {@code fixedBase}: as shipped. */
    @Param({"modPow", "fixedBase"})
    public String exponentiation = "fixedBase";

    static final String ROOM = "benchmark";
    static final String PASSWORD = "correct horse battery staple";
    private static final int EXCHANGES = 8;
    private static final byte[] CONTEXT = "joan|client nonce|server nonce".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLIENT_NONCE = new byte[16];
    private static final byte[] SERVER_NONCE = new byte[16];

    private SrpGroup group;
    private SrpVerifier verifier;
    private Exchange[] exchanges;
    private int next;

    /** One recorded exchange: the seeds of both private values and what went over the wire. */
    record Exchange(long clientSeed, long serverSeed, byte[] publicA, byte[] salt, byte[] publicB,
                    byte[] clientProof, byte[] serverProof) {
    }

    @Setup(Level.Trial)
    public void recordExchanges() throws SrpException {
        Random random = new Random(14);
        SrpGroup wire = SrpGroup.RFC5054_2048_SHA256; // a group of its own, so each trial starts without tables
        group = "modPow".equals(exponentiation) ? new SrpGroup(wire.n(), wire.g(), "SHA-256", Integer.MAX_VALUE)
                : new SrpGroup(wire.n(), wire.g(), "SHA-256");
        verifier = SrpVerifier.create(group, ROOM, PASSWORD, random);
        exchanges = new Exchange[EXCHANGES];
        for (int i = 0; i < EXCHANGES; i++) {
            long clientSeed = random.nextLong();
            long serverSeed = random.nextLong();
            SrpClientSession client = new SrpClientSession(group, new Random(clientSeed));
            SrpServerSession server = new SrpServerSession(group, verifier, client.publicValue(), new Random(serverSeed));
            byte[] m1 = client.respond(ROOM, PASSWORD, verifier.salt(), server.publicValue(), CONTEXT);
            byte[] m2 = server.verifyClient(m1, CONTEXT);
            client.verifyServer(m2);
            exchanges[i] = new Exchange(clientSeed, serverSeed, client.publicValue(), verifier.salt(),
                    server.publicValue(), m1, m2);
        }
    }

    /** The server's side of one join; returns {@code M2}'s first byte. */
    @Benchmark
    public int serverJoin(CpuTime cpu) throws SrpException {
        Exchange exchange = exchanges[next++ & (EXCHANGES - 1)];
        SrpServerSession server = new SrpServerSession(group, verifier, exchange.publicA,
                new Random(exchange.serverSeed));
        byte[] publicB = server.publicValue();
        byte[] m2 = server.verifyClient(exchange.clientProof, CONTEXT);
        SessionKeys keys = server.sessionKeys(CLIENT_NONCE, SERVER_NONCE);
        keys.destroy();
        cpu.operationDone();
        return m2[0] + publicB[0];
    }

    /** The client's side of one join; returns {@code M1}'s first byte. */
    @Benchmark
    public int clientJoin(CpuTime cpu) throws SrpException {
        Exchange exchange = exchanges[next++ & (EXCHANGES - 1)];
        SrpClientSession client = new SrpClientSession(group, new Random(exchange.clientSeed));
        byte[] publicA = client.publicValue();
        byte[] m1 = client.respond(ROOM, PASSWORD, exchange.salt, exchange.publicB, CONTEXT);
        client.verifyServer(exchange.serverProof);
        SessionKeys keys = client.sessionKeys(CLIENT_NONCE, SERVER_NONCE);
        keys.destroy();
        cpu.operationDone();
        return m1[0] + publicA[0];
    }

    /** A room's verifier, made once as the room starts; returns {@code v}'s lowest bits. */
    @Benchmark
    public int roomVerifier(CpuTime cpu) {
        SrpVerifier made = SrpVerifier.create(group, ROOM, PASSWORD, new Random(next++));
        cpu.operationDone();
        return made.v().intValue();
    }

    /** {@code true} if the recorded exchanges replay: for the test that keeps this benchmark working. */
    boolean replaysMatch() throws SrpException {
        Exchange first = exchanges[0];
        SrpServerSession server = new SrpServerSession(group, verifier, first.publicA, new Random(first.serverSeed));
        SrpClientSession client = new SrpClientSession(group, new Random(first.clientSeed));
        return Arrays.equals(server.publicValue(), first.publicB) && Arrays.equals(client.publicValue(), first.publicA)
                && new BigInteger(1, first.publicB).signum() > 0;
    }

    /**
     * The thread's CPU time, reported by JMH as {@code :cpuMicros}, beside the operations it was
     * spent on, {@code :ops}. JMH sums event counters over threads and over iterations alike, so
     * no per-operation figure survives its summary; the ratio of the two does:
     * {@code cpuMicros / ops} is the CPU time per operation, in microseconds.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        /** The thread's CPU microseconds in this iteration, up to the last operation. */
        public double cpuMicros;
        /** Operations in this iteration. */
        public long ops;
        private long startNanos;

        @Setup(Level.Iteration)
        public void startIteration() {
            ops = 0;
            cpuMicros = 0;
            startNanos = THREADS.getCurrentThreadCpuTime();
        }

        void operationDone() {
            ops++;
            cpuMicros = (THREADS.getCurrentThreadCpuTime() - startNanos) / 1e3;
        }

        /** CPU microseconds per operation in this iteration so far. */
        double cpuMicrosPerOp() {
            return ops == 0 ? 0 : cpuMicros / ops;
        }
    }
}
