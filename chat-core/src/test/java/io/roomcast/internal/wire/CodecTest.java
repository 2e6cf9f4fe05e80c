package io.roomcast.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class CodecTest {

    private static final byte[] NONCE = filled(WireFormat.NONCE_BYTES, 7);

    static Stream<Arguments> handshakePackets() {
        return Stream.of(
                Arguments.of("HELLO", new HandshakePacket.Hello(NONCE, "joan", 15_000, filled(256, 3), new byte[0])),
                Arguments.of("HELLO non-ASCII", new HandshakePacket.Hello(NONCE, "Zoë-ø", 1, filled(256, 3), filled(24, 6))),
                Arguments.of("CHALLENGE", new HandshakePacket.Challenge(NONCE, 42L, filled(16, 9), "lobby",
                        filled(16, 1), filled(256, 2))),
                Arguments.of("PROOF", new HandshakePacket.Proof(-5L, filled(32, 4))),
                Arguments.of("PROOF resuming", new HandshakePacket.Proof(-5L, filled(32, 4), filled(32, 6), 1234L)),
                Arguments.of("HELLO resuming", new HandshakePacket.Hello(NONCE, "joan", 15_000, filled(256, 3),
                        new byte[0], filled(WireFormat.RESUME_ID_BYTES, 8))),
                Arguments.of("WELCOME", new HandshakePacket.Welcome(42L, filled(32, 5), 1, 3, filled(300, 8))),
                Arguments.of("WELCOME alone", new HandshakePacket.Welcome(42L, filled(32, 5), 0, 1, filled(16, 9))),
                Arguments.of("REJECT", new HandshakePacket.Reject(NONCE, 42L, RejectReason.USERNAME_TAKEN,
                        "the username 'Joan' is taken")),
                Arguments.of("RETRY", new HandshakePacket.Retry(NONCE, filled(24, 7))),
                Arguments.of("VERSION_MISMATCH", new HandshakePacket.VersionMismatch(NONCE, List.of(1, 2))));
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("truncated sequence", new byte[] {(byte) 0xC3, 0x28}),
                Arguments.of("overlong NUL", new byte[] {(byte) 0xC0, (byte) 0x80}),
                Arguments.of("encoded surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                Arguments.of("beyond U+10FFFF", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                Arguments.of("stray continuation", new byte[] {(byte) 0x80, 0x41}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8InTextIsACleanRejection(String name, byte[] invalid) {
        String placeholder = "a".repeat(invalid.length);
        byte[] bytes = EventFrame.message(1, 2, "joan", 3, placeholder).toBytes();
        System.arraycopy(invalid, 0, bytes, bytes.length - invalid.length, invalid.length);

        assertThatThrownBy(() -> Frame.decodeAll(new WireReader(ByteBuffer.wrap(bytes))))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void aRealReplacementCharacterInTextIsKept() throws MalformedPacketException {
        EventFrame event = EventFrame.message(1, 2, "joan", 3, "broken \uFFFD glyph and ö");

        List<Frame> frames = Frame.decodeAll(new WireReader(ByteBuffer.wrap(event.toBytes())));

        assertThat(frames).containsExactly(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakePackets")
    void handshakePacketsRoundTrip(String name, HandshakePacket packet) throws MalformedPacketException {
        byte[] bytes = encode(packet);

        HandshakePacket decoded = HandshakePacket.decode(ByteBuffer.wrap(bytes));

        assertThat(decoded).isInstanceOf(packet.getClass());
        assertThat(encode(decoded)).isEqualTo(bytes);
        assertThat(bytes.length).isLessThanOrEqualTo(WireFormat.MAX_DATAGRAM_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakePackets")
    void everyTruncatedHandshakePacketIsRejected(String name, HandshakePacket packet) {
        byte[] bytes = encode(packet);
        for (int length = 0; length < bytes.length; length++) {
            ByteBuffer prefix = ByteBuffer.wrap(Arrays.copyOf(bytes, length));
            int cut = length;
            assertThatThrownBy(() -> HandshakePacket.decode(prefix))
                    .as("%s cut to %d of %d bytes", name, cut, bytes.length)
                    .isInstanceOf(MalformedPacketException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakePackets")
    void trailingBytesAreRejected(String name, HandshakePacket packet) {
        byte[] bytes = Arrays.copyOf(encode(packet), encode(packet).length + 1);
        bytes[bytes.length - 1] = 1; // HELLO accepts zero padding only
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void helloIsPaddedToTheFullDatagram() {
        assertThat(encode(new HandshakePacket.Hello(NONCE, "joan", 15_000, filled(256, 3), new byte[0])))
                .hasSize(WireFormat.MAX_DATAGRAM_BYTES);
    }

    @Test
    void anotherVersionIsReportedAsSuch() {
        byte[] bytes = encode(new HandshakePacket.Proof(1L, filled(32, 4)));
        bytes[3] = 9;
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(UnsupportedVersionException.class).hasMessage("unsupported protocol version 9");
    }

    @Test
    void aHelloInAnotherVersionStillGivesItsNonce() {
        byte[] bytes = encode(new HandshakePacket.Hello(NONCE, "joan", 15_000, filled(256, 3), new byte[0]));
        bytes[3] = 9;
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOfSatisfying(UnsupportedVersionException.class,
                        e -> assertThat(e.clientNonce()).isEqualTo(NONCE));
        // only the version-independent start is read: the header and the nonce
        byte[] prefix = Arrays.copyOf(bytes, HandshakePacket.VERSION_INDEPENDENT_HELLO_PREFIX_BYTES);
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(prefix)))
                .isInstanceOfSatisfying(UnsupportedVersionException.class,
                        e -> assertThat(e.clientNonce()).isEqualTo(NONCE));
        byte[] proof = encode(new HandshakePacket.Proof(1L, filled(32, 4)));
        proof[3] = 9;
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(proof)))
                .isInstanceOfSatisfying(UnsupportedVersionException.class, e -> assertThat(e.clientNonce()).isNull());
    }

    @Test
    void aVersionMismatchIsReadWhateverItsVersionByte() throws MalformedPacketException {
        byte[] bytes = encode(new HandshakePacket.VersionMismatch(NONCE, List.of(2, 3)));
        bytes[3] = 2; // from a server that speaks only later versions

        HandshakePacket decoded = HandshakePacket.decode(ByteBuffer.wrap(bytes));

        assertThat(decoded).isInstanceOfSatisfying(HandshakePacket.VersionMismatch.class, mismatch -> {
            assertThat(mismatch.clientNonce()).isEqualTo(NONCE);
            assertThat(mismatch.supportedVersions()).containsExactly(2, 3);
        });
    }

    @Test
    void proofIsPaddedToTheFullDatagramWithZeros() {
        byte[] bytes = encode(new HandshakePacket.Proof(7L, filled(32, 4)));
        assertThat(bytes).hasSize(WireFormat.MAX_DATAGRAM_BYTES);
        bytes[bytes.length - 1] = 1;
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("padding");
    }

    @Test
    void welcomeBodiesRoundTrip() throws MalformedPacketException {
        WelcomeBody body = new WelcomeBody(77, 16384, 15_000, 50, filled(16, 2),
                List.of("joan", "ega", "Zoë"));
        assertThat(WelcomeBody.decode(ByteBuffer.wrap(body.toBytes()))).isEqualTo(body);
        byte[] bytes = body.toBytes();
        for (int length = 0; length < bytes.length; length++) {
            ByteBuffer prefix = ByteBuffer.wrap(Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> WelcomeBody.decode(prefix))
                    .isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void refusedIdsOfAWelcomeBodyRoundTripAndAreChecked() throws MalformedPacketException {
        WelcomeBody body = new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), true, false, 70_000L,
                new long[] {5_000, 69_000, 70_000}, List.of("joan"));
        WelcomeBody decoded = WelcomeBody.decode(ByteBuffer.wrap(body.toBytes()));
        assertThat(decoded).isEqualTo(body);
        assertThat(decoded.refusedIds()).containsExactly(5_000, 69_000, 70_000);
        assertThatThrownBy(() -> new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), true, false, 10L,
                new long[] {3, 2}, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), true, false, 10L,
                new long[] {11}, List.of())).isInstanceOf(IllegalArgumentException.class);
        byte[] bytes = new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), true, false, 10L, new long[] {4},
                List.of()).toBytes();
        bytes[8 + 4 + 8 + 2 + 16 + 1 + 1 + 8] = (byte) (WelcomeBody.MAX_REFUSED_IDS + 1); // the count
        assertThatThrownBy(() -> WelcomeBody.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void resumeFieldsOfAWelcomeBodyRoundTrip() throws MalformedPacketException {
        WelcomeBody body = new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), true, true, 41L, List.of("joan"));
        WelcomeBody decoded = WelcomeBody.decode(ByteBuffer.wrap(body.toBytes()));
        assertThat(decoded).isEqualTo(body);
        assertThat(decoded.resumed()).isTrue();
        assertThat(decoded.nothingMissed()).isTrue();
        assertThat(decoded.lastProcessedId()).isEqualTo(41L);
        assertThat(decoded.resumeId()).isEqualTo(filled(16, 2));
    }

    @Test
    void aFreshWelcomeCannotClaimResumeFields() {
        byte[] bytes = new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), List.of()).toBytes();
        int lastProcessed = 8 + 4 + 8 + 2 + 16 + 2; // after the flags
        bytes[lastProcessed + 7] = 5;
        assertThatThrownBy(() -> WelcomeBody.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("resume");
        byte[] flag = new WelcomeBody(77, 16384, 15_000, 0, filled(16, 2), List.of()).toBytes();
        flag[8 + 4 + 8 + 2 + 16] = 2;
        assertThatThrownBy(() -> WelcomeBody.decode(ByteBuffer.wrap(flag)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("flag");
    }

    @Test
    void aHelloWithAResumeIdOfTheWrongLengthIsMalformed() {
        byte[] bytes = encode(new HandshakePacket.Hello(NONCE, "joan", 15_000, filled(256, 3), new byte[0],
                filled(5, 8)));
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("resume id");
    }

    @Test
    void absurdMemberCountFailsBeforeAllocating() {
        byte[] bytes = new WelcomeBody(1, 1, 1, 0, filled(16, 2), List.of()).toBytes();
        bytes[bytes.length - 2] = (byte) 0xFF; // claim 65535 members with no bytes behind them
        bytes[bytes.length - 1] = (byte) 0xFF;
        assertThatThrownBy(() -> WelcomeBody.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("65535");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] bytes = encode(new HandshakePacket.Reject(NONCE, 1L, RejectReason.ROOM_FULL, "ab"));
        bytes[bytes.length - 1] = (byte) 0xC3; // a lead byte with no continuation
        assertThatThrownBy(() -> HandshakePacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("UTF-8");
    }

    static Stream<Arguments> shortPackets() {
        return Stream.of(
                Arguments.of("PING", packet(Frame.Ping.INSTANCE)),
                Arguments.of("ACK", packet(new AckFrame(List.of(new AckFrame.Range(90, 99)), 250))),
                Arguments.of("ACK ranges", packet(new AckFrame(List.of(new AckFrame.Range(90, 99),
                        new AckFrame.Range(50, 60), new AckFrame.Range(0, 0)), 0))),
                Arguments.of("SEND", packet(sendWhole(3, "halo 👋 ünïcode"))),
                Arguments.of("SEND slice", packet(new Frame.Send(3, 5000, 1200, filled(800, 65)))),
                Arguments.of("FRAGMENT", packet(new Frame.Fragment(8, 20000, 0, filled(1000, 66)))),
                Arguments.of("DELIVERED", packet(new Frame.Delivered(41))),
                Arguments.of("EVENT message", packet(EventFrame.message(5, 1_700_000_000_000L, "joan", 3, "halo"))),
                Arguments.of("EVENT joined", packet(EventFrame.joined(6, 1L, "ega"))),
                Arguments.of("EVENT left", packet(EventFrame.left(7, 1L, "ega", CloseReason.TIMED_OUT))),
                Arguments.of("ERROR", packet(new Frame.Error(4, ErrorCode.MESSAGE_TOO_LARGE, "too big"))),
                Arguments.of("CLOSE", packet(new Frame.Close(CloseReason.SERVER_CLOSED))),
                Arguments.of("CLOSE_ACK", packet(Frame.CloseAck.INSTANCE)),
                Arguments.of("EVENT announcement", packet(EventFrame.announcement(8, 1L, "the room closes at ten"))),
                Arguments.of("EVENT muted", packet(EventFrame.muted(9, 1L, "ega", 1_700_000_600_000L))),
                Arguments.of("EVENT unmuted", packet(EventFrame.unmuted(10, 1L, "ega"))),
                Arguments.of("CLOSE banned", packet(new Frame.Close(CloseReason.BANNED))),
                Arguments.of("ERROR muted", packet(new Frame.Error(5, ErrorCode.MUTED, "muted for 4 min"))),
                Arguments.of("PRIVATE_SEND", packet(new Frame.PrivateSend(6, "Ega", 4, 0, filled(4, 67)))),
                Arguments.of("PRIVATE_EVENT", packet(new Frame.PrivateEvent(
                        EventFrame.privateMessage(1, 1L, "joan", 6, "psst")))),
                Arguments.of("PRIVATE_EVENT sent", packet(new Frame.PrivateEvent(EventFrame.privateSent(2, 1L, "Ega", 6)))),
                Arguments.of("PRIVATE_FRAGMENT", packet(new Frame.PrivateFragment(
                        new Frame.Fragment(3, 20000, 100, filled(900, 68))))),
                Arguments.of("PRIVATE_DELIVERED", packet(new Frame.PrivateDelivered(3))),
                Arguments.of("coalesced", packet(new Frame.Delivered(1), EventFrame.joined(2, 1L, "ega"),
                        EventFrame.message(3, 2L, "ega", 1, "hi"), Frame.Ping.INSTANCE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shortPackets")
    void shortPacketsRoundTrip(String name, UnsealedPacket packet) throws MalformedPacketException {
        byte[] bytes = packet.toBytes();

        UnsealedPacket decoded = UnsealedPacket.decode(ByteBuffer.wrap(bytes));

        assertThat(decoded).isEqualTo(packet);
        assertThat(decoded.toBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shortPackets")
    void everyTruncatedShortPacketIsRejected(String name, UnsealedPacket packet) {
        byte[] bytes = packet.toBytes();
        for (int length = 0; length < bytes.length; length++) {
            ByteBuffer prefix = ByteBuffer.wrap(Arrays.copyOf(bytes, length));
            int cut = length;
            assertThatThrownBy(() -> UnsealedPacket.decode(prefix))
                    .as("%s cut to %d of %d bytes", name, cut, bytes.length)
                    .isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void encodedLengthMatchesWhatIsWritten() {
        List<Frame> frames = new ArrayList<>();
        frames.add(sendWhole(1, "a\uD800b")); // a lone surrogate becomes '?'
        frames.add(EventFrame.message(1, 1, "Zoë", 1, "😀 ok"));
        frames.add(new Frame.Error(1, ErrorCode.RATE_LIMITED, "slow down ✋"));
        for (Frame frame : frames) {
            ByteBuffer out = ByteBuffer.allocate(2000);
            frame.encode(out);
            assertThat(out.position()).as("%s", frame).isEqualTo(frame.encodedLength());
        }
    }

    @Test
    void anEventSentWholeFitsBesideTheLargestAck() {
        int packet = ShortHeader.BYTES + WireFormat.MAX_ACK_BYTES + WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES
                + WireFormat.PROTECTION_OVERHEAD_BYTES;
        assertThat(packet).isLessThanOrEqualTo(WireFormat.MAX_DATAGRAM_BYTES);
        List<AckFrame.Range> ranges = new ArrayList<>();
        for (int i = AckFrame.MAX_RANGES - 1; i >= 0; i--) {
            ranges.add(new AckFrame.Range(i * 10L, i * 10L + 5));
        }
        assertThat(new AckFrame(ranges, 0).encodedLength()).isEqualTo(WireFormat.MAX_ACK_BYTES);
    }

    @Test
    void messagesLongerThanSixtyFourKibibytesRoundTrip() throws MalformedPacketException {
        EventFrame event = EventFrame.message(9, 1, "joan", 1, "ü".repeat(300_000));
        byte[] bytes = event.toBytes();
        assertThat(Frame.decode(new WireReader(ByteBuffer.wrap(bytes)))).isEqualTo(event);
    }

    @Test
    void anAbsurdTextLengthFailsBeforeAllocating() {
        byte[] bytes = EventFrame.message(9, 1, "joan", 1, "hi").toBytes();
        ByteBuffer.wrap(bytes).putInt(bytes.length - 2 - 4, Integer.MAX_VALUE);
        assertThatThrownBy(() -> Frame.decode(new WireReader(ByteBuffer.wrap(bytes))))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("truncated");
    }

    @Test
    void slicesBeyondTheirWholeAreRejected() {
        byte[] bytes = packet(new Frame.Send(1, 100, 90, filled(10, 1))).toBytes();
        ByteBuffer.wrap(bytes).putInt(ShortHeader.BYTES + 1 + 8, 95); // claim a total of 95: 90 + 10 > 95
        assertThatThrownBy(() -> UnsealedPacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("slice");
    }

    @Test
    void ackRangesBelowZeroAreRejected() {
        byte[] bytes = packet(new AckFrame(List.of(new AckFrame.Range(5, 9)), 0)).toBytes();
        ByteBuffer.wrap(bytes).putInt(ShortHeader.BYTES + 1 + 8 + 4 + 1, 50); // first range of 50 below 9
        assertThatThrownBy(() -> UnsealedPacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("below zero");
    }

    @Test
    void ackFramesKeepDisjointRangesHighestFirst() {
        AckFrame ack = new AckFrame(List.of(new AckFrame.Range(10, 12), new AckFrame.Range(3, 5)), 0);
        assertThat(ack.largest()).isEqualTo(12);
        assertThat(ack.ranges()).containsExactly(new AckFrame.Range(10, 12), new AckFrame.Range(3, 5));
        assertThat(ack.ackEliciting()).isFalse();
        assertThatThrownBy(() -> new AckFrame(List.of(new AckFrame.Range(3, 5), new AckFrame.Range(6, 9)), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownFrameTypeIsRejected() {
        byte[] bytes = packet(Frame.Ping.INSTANCE).toBytes();
        bytes[bytes.length - 1] = 0x7F;
        assertThatThrownBy(() -> UnsealedPacket.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("frame type");
    }

    private static UnsealedPacket packet(Frame... frames) {
        return new UnsealedPacket(new ShortHeader(0x1122334455667788L, 17), List.of(frames));
    }

    /** A whole message in one SEND slice. */
    private static Frame.Send sendWhole(long messageId, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return new Frame.Send(messageId, utf8.length, 0, utf8);
    }

    private static byte[] encode(HandshakePacket packet) {
        ByteBuffer out = ByteBuffer.allocate(2 * WireFormat.MAX_DATAGRAM_BYTES);
        packet.encode(out);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
