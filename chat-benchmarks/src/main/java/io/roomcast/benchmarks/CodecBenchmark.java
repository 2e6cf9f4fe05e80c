package io.roomcast.benchmarks;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One 100-byte chat message through the wire path that every delivery takes: the server writes
 * the room event into a packet and seals it with AES-256-GCM ({@link #encodeAndSeal}); the member
 * opens the packet and decodes the event ({@link #openAndDecode}). Run with the GC profiler to see
 * the bytes allocated per message:
 * {@code java -jar chat-benchmarks/target/benchmarks.jar Codec -prof gc}.
 *
 * <p>{@link #encode} and {@link #seal} split the sending half, so the profile shows which part
 * allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {
    static final int MESSAGE_BYTES = 100;
    private static final long CONNECTION_ID = 0x1234_5678_9abc_def0L;

    private PacketProtector protector;
    private EventFrame event;
    // direct, like the event loop's send buffer
    private final ByteBuffer out = ByteBuffer.allocateDirect(1200);
    private ByteBuffer sealed;
    private long packetNumber;
    private static final long SEALED_PACKET_NUMBER = 7;

    @Setup(Level.Trial)
    public void keysAndMessage() {
        Random random = new Random(42);
        byte[] key = new byte[PacketProtector.KEY_BYTES];
        byte[] iv = new byte[PacketProtector.IV_BYTES];
        random.nextBytes(key);
        random.nextBytes(iv);
        protector = new PacketProtector(key, iv);
        event = EventFrame.message(1_000_000, 1_764_000_000_000L, "joan", 42, LoopbackRoom.payload(MESSAGE_BYTES));
        // one sealed packet to open again and again (opening never reuses a nonce for sealing)
        ByteBuffer packet = ByteBuffer.allocate(1200);
        writePacket(packet, SEALED_PACKET_NUMBER);
        sealed = packet.flip();
    }

    private int writePacket(ByteBuffer packet, long number) {
        int start = ShortHeader.begin(packet, CONNECTION_ID, number);
        event.encode(packet);
        ShortHeader.finish(packet, start, PacketProtector.TAG_BYTES);
        protector.seal(number, packet, start, start + ShortHeader.BYTES);
        return packet.position();
    }

    /** Server side, per member: header, event, AES-GCM seal. Returns the packet's length. */
    @Benchmark
    public int encodeAndSeal() {
        out.clear();
        return writePacket(out, ++packetNumber);
    }

    /** Header and event only: the codec's share of {@link #encodeAndSeal}. */
    @Benchmark
    public int encode() {
        out.clear();
        int start = ShortHeader.begin(out, CONNECTION_ID, ++packetNumber);
        event.encode(out);
        ShortHeader.finish(out, start, PacketProtector.TAG_BYTES);
        return out.position();
    }

    /** AES-GCM only: the cipher's share of {@link #encodeAndSeal}, over the same bytes. */
    @Benchmark
    public int seal() {
        out.clear().position(ShortHeader.BYTES + event.encodedLength());
        protector.seal(++packetNumber, out, 0, ShortHeader.BYTES);
        return out.position();
    }

    /** Member side: read the header, open, decode the frames. Returns the decoded frames. */
    @Benchmark
    public List<Frame> openAndDecode() throws MalformedPacketException {
        ByteBuffer datagram = sealed.duplicate();
        ShortHeader header = ShortHeader.decode(new WireReader(datagram.duplicate()));
        ByteBuffer plaintext = protector.open(header.packetNumber(), datagram.slice(0, ShortHeader.BYTES),
                datagram.slice(ShortHeader.BYTES, datagram.remaining() - ShortHeader.BYTES));
        if (plaintext == null) {
            throw new IllegalStateException("the packet did not open");
        }
        return Frame.decodeAll(new WireReader(plaintext));
    }
}
