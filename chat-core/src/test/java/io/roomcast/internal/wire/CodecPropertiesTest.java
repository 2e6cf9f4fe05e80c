package io.roomcast.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of the codecs over generated input: total (never an exception) and faithful. */
class CodecPropertiesTest {

    @Property(tries = 2000)
    void anyBytesDecodeToAHandshakePacketOrACleanRejection(@ForAll @Size(max = 1300) byte[] bytes) {
        byte[] datagram = bytes.clone();
        if (datagram.length > 0 && datagram[0] % 2 == 0) {
            datagram[0] = (byte) 0xC0; // half the time, get past the first check
        }
        try {
            HandshakePacket packet = HandshakePacket.decode(ByteBuffer.wrap(datagram));
            assertThat(packet).isNotNull();
        } catch (MalformedPacketException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void anyBytesDecodeToFramesOrACleanRejection(@ForAll @Size(max = 1300) byte[] bytes) {
        try {
            List<Frame> frames = Frame.decodeAll(new WireReader(ByteBuffer.wrap(bytes)));
            assertThat(frames).isNotEmpty();
        } catch (MalformedPacketException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1000)
    void framesRoundTrip(@ForAll("frames") List<Frame> frames, @ForAll long connectionId, @ForAll("packetNumbers") long pn)
            throws MalformedPacketException {
        UnsealedPacket packet = new UnsealedPacket(new ShortHeader(connectionId, pn), frames);
        byte[] bytes = packet.toBytes();

        UnsealedPacket decoded = UnsealedPacket.decode(ByteBuffer.wrap(bytes));

        assertThat(decoded).isEqualTo(packet);
        assertThat(decoded.toBytes()).isEqualTo(bytes);
    }

    @Property(tries = 2000)
    void utf8IsWrittenExactlyAsStringGetBytesWritesIt(@ForAll("anyUtf16") String text) {
        byte[] expected = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(expected.length + 8);

        WireWriter.utf8(out, text);

        assertThat(out.flip().remaining()).isEqualTo(expected.length).isEqualTo(EventFrame.utf8Length(text));
        byte[] written = new byte[out.remaining()];
        out.get(written);
        assertThat(written).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> anyUtf16() {
        // every char, lone surrogates included, with pairs and multi-byte ranges well represented
        Arbitrary<Character> any = Arbitraries.chars();
        Arbitrary<Character> surrogates = Arbitraries.chars().range('\uD800', '\uDFFF');
        Arbitrary<Character> nonAscii = Arbitraries.chars().range('\u0080', '\u07FF');
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, any), net.jqwik.api.Tuple.of(2, surrogates),
                        net.jqwik.api.Tuple.of(1, nonAscii), net.jqwik.api.Tuple.of(2, Arbitraries.chars().ascii()))
                .list().ofMaxSize(40)
                .map(chars -> chars.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining()));
    }

    @Property(tries = 500)
    void handshakePacketsRoundTrip(@ForAll("handshakes") HandshakePacket packet) throws MalformedPacketException {
        byte[] bytes = packet.toBytes();
        assertThat(HandshakePacket.decode(ByteBuffer.wrap(bytes)).toBytes()).isEqualTo(bytes);
    }

    @Provide
    Arbitrary<Long> packetNumbers() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<List<Frame>> frames() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(200)
                .filter(t -> t.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        Arbitrary<String> name = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(32);
        Arbitrary<Long> seq = Arbitraries.longs().between(1, 1L << 50);
        Arbitrary<Frame> frame = Arbitraries.oneOf(
                Arbitraries.just(Frame.Ping.INSTANCE),
                Arbitraries.just(Frame.CloseAck.INSTANCE),
                seq.map(Frame.Delivered::new),
                Combinators.combine(seq, text).as((id, t) -> (Frame) sendWhole(id, t)),
                Combinators.combine(seq, Arbitraries.longs().between(0, 1L << 40), name, seq, text)
                        .as((s, ts, n, id, t) -> (Frame) EventFrame.message(s, ts, n, id, t)),
                Combinators.combine(seq, name).as((s, n) -> (Frame) EventFrame.joined(s, 0, n)),
                Combinators.combine(seq, name, Arbitraries.of(CloseReason.class))
                        .as((s, n, r) -> (Frame) EventFrame.left(s, 0, n, r)),
                Combinators.combine(seq, Arbitraries.of(ErrorCode.class), text)
                        .as((id, c, t) -> (Frame) new Frame.Error(id, c, t)),
                Arbitraries.of(CloseReason.class).map(Frame.Close::new),
                Arbitraries.longs().map(Frame.PathChallenge::new),
                Arbitraries.longs().map(Frame.PathResponse::new),
                Combinators.combine(seq, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300))
                        .as((s, data) -> (Frame) new Frame.Fragment(s, data.length + 10, 10, data)),
                Arbitraries.longs().between(0, 1L << 40).map(largest ->
                        (Frame) new AckFrame(List.of(new AckFrame.Range(Math.max(0, largest - 5), largest)), 7)),
                Combinators.combine(seq, text).as((s, t) -> (Frame) EventFrame.announcement(s, 0, t)),
                Combinators.combine(seq, name, Arbitraries.longs()).as((s, n, until) -> (Frame) EventFrame.muted(s, 0, n, until)),
                Combinators.combine(seq, name).as((s, n) -> (Frame) EventFrame.unmuted(s, 0, n)),
                Combinators.combine(seq, name, seq, text).as((s, n, id, t) ->
                        (Frame) new Frame.PrivateEvent(EventFrame.privateMessage(s, 0, n, id, t))),
                Combinators.combine(seq, name, seq).as((s, n, id) ->
                        (Frame) new Frame.PrivateEvent(EventFrame.privateSent(s, 0, n, id))),
                Combinators.combine(seq, name, text).as((id, n, t) -> (Frame) privateWhole(id, n, t)),
                Combinators.combine(seq, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300))
                        .as((s, data) -> (Frame) new Frame.PrivateFragment(new Frame.Fragment(s, data.length + 10, 10, data))),
                seq.map(Frame.PrivateDelivered::new));
        return frame.list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<HandshakePacket> handshakes() {
        Arbitrary<byte[]> nonce = Arbitraries.bytes().array(byte[].class).ofSize(WireFormat.NONCE_BYTES);
        Arbitrary<byte[]> blob = Arbitraries.bytes().array(byte[].class).ofMaxSize(255);
        Arbitrary<String> name = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(32);
        return Arbitraries.oneOf(
                Combinators.combine(nonce, name, Arbitraries.longs().between(1, 100_000), blob, blob)
                        .as((n, u, idle, a, t) -> (HandshakePacket) new HandshakePacket.Hello(n, u, idle, a,
                                java.util.Arrays.copyOf(t, Math.min(t.length, 64)))),
                Combinators.combine(nonce, Arbitraries.longs(), nonce, name, blob, blob)
                        .as((n, id, sn, room, salt, b) -> (HandshakePacket) new HandshakePacket.Challenge(n, id, sn,
                                room, salt, b)),
                Combinators.combine(Arbitraries.longs(), blob).as((id, m1) -> (HandshakePacket) new HandshakePacket.Proof(id, m1)),
                Combinators.combine(nonce, Arbitraries.longs(), Arbitraries.of(RejectReason.class), name)
                        .as((n, id, r, d) -> (HandshakePacket) new HandshakePacket.Reject(n, id, r, d)),
                Combinators.combine(nonce, Arbitraries.integers().between(0, 255).list().ofMaxSize(8))
                        .as((n, versions) -> (HandshakePacket) new HandshakePacket.VersionMismatch(n, versions)),
                Combinators.combine(nonce, blob).as((n, t) -> (HandshakePacket) new HandshakePacket.Retry(n, t)));
    }

    /** A whole private message in one PRIVATE_SEND slice. */
    private static Frame.PrivateSend privateWhole(long messageId, String recipient, String text) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Frame.PrivateSend(messageId, recipient, utf8.length, 0, utf8);
    }

    /** A whole message in one SEND slice. */
    private static Frame.Send sendWhole(long messageId, String text) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Frame.Send(messageId, utf8.length, 0, utf8);
    }
}
