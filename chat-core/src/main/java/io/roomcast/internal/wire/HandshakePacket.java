package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The long-header packets of the handshake: {@code 0xC0 'R' 'C' version type} then a body
 * per type. Byte arrays in these records are owned by the record; callers do not mutate them.
 *
 * <p>Two things hold in every protocol version, so that a server can answer a client of a version
 * it does not know: a HELLO is type {@value Hello#TYPE} and starts with the client nonce right after
 * the header ({@link #VERSION_INDEPENDENT_HELLO_PREFIX_BYTES}), and VERSION_MISMATCH keeps type
 * {@value VersionMismatch#TYPE} and its layout whatever its version byte says.
 */
public sealed interface HandshakePacket {

    /** Writes the whole packet, header included, at {@code out}'s position. */
    void encode(ByteBuffer out);

    /**
     * The bytes at the start of a HELLO that mean the same in every version: the 5-byte long
     * header and the 16-byte client nonce. A server reads the nonce of a HELLO in a version it
     * does not speak from them, to echo it in its VERSION_MISMATCH.
     */
    int VERSION_INDEPENDENT_HELLO_PREFIX_BYTES = 5 + WireFormat.NONCE_BYTES;

    /** The whole packet as a new array. */
    default byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM_BYTES);
        encode(out);
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /**
     * Decodes one handshake packet that fills {@code datagram}.
     *
     * @throws UnsupportedVersionException if the header is well formed but names another version
     *                                     (carrying the client nonce if the packet is such a HELLO)
     * @throws MalformedPacketException    for anything else that is not a valid packet
     */
    static HandshakePacket decode(ByteBuffer datagram) throws MalformedPacketException {
        int length = datagram.remaining();
        WireReader in = new WireReader(datagram);
        if ((byte) in.u8() != WireFormat.LONG_HEADER) {
            throw new MalformedPacketException("not a long-header packet");
        }
        if (in.u16() != (WireFormat.MAGIC & 0xFFFF)) {
            throw new MalformedPacketException("bad magic");
        }
        int version = in.u8();
        int type = in.u8();
        if (version != WireFormat.VERSION && type != VersionMismatch.TYPE) {
            // the only bytes of another version's packet that can be read are a HELLO's nonce
            boolean hello = type == Hello.TYPE && in.remaining() >= WireFormat.NONCE_BYTES;
            throw new UnsupportedVersionException(version, hello ? in.bytes(WireFormat.NONCE_BYTES) : null);
        }
        HandshakePacket packet = switch (type) {
            case Hello.TYPE -> Hello.decodeBody(in, length);
            case Challenge.TYPE -> new Challenge(in.bytes(WireFormat.NONCE_BYTES), in.i64(),
                    in.bytes(WireFormat.NONCE_BYTES), in.string16(), in.bytes8(), in.bytes16());
            case Proof.TYPE -> Proof.decodeBody(in, length);
            case Welcome.TYPE -> Welcome.decodeBody(in);
            case Reject.TYPE -> new Reject(in.bytes(WireFormat.NONCE_BYTES), in.i64(), RejectReason.of(in.u8()),
                    in.string16());
            case VersionMismatch.TYPE -> VersionMismatch.decodeBody(in);
            case Retry.TYPE -> new Retry(in.bytes(WireFormat.NONCE_BYTES), in.bytes8());
            default -> throw new MalformedPacketException("unknown handshake type " + type);
        };
        in.expectEnd();
        return packet;
    }

    /** {@code true} if the datagram starts like a handshake packet (any version). */
    static boolean isLongHeader(ByteBuffer datagram) {
        return datagram.remaining() > 0 && datagram.get(datagram.position()) == WireFormat.LONG_HEADER;
    }

    private static void header(ByteBuffer out, int type) {
        out.put(WireFormat.LONG_HEADER).putShort(WireFormat.MAGIC).put((byte) WireFormat.VERSION).put((byte) type);
    }

    /** Zeros from {@code out}'s position until the packet that began at {@code start} fills a datagram. */
    private static void pad(ByteBuffer out, int start) {
        while (out.position() - start < WireFormat.MAX_DATAGRAM_BYTES) {
            out.put((byte) 0);
        }
    }

    /** Fails unless the datagram filled a whole datagram and the rest of it is zeros. */
    private static void expectPadding(WireReader in, int datagramLength, String packet)
            throws MalformedPacketException {
        if (datagramLength < WireFormat.MAX_DATAGRAM_BYTES) {
            throw new MalformedPacketException(packet + " of " + datagramLength + " bytes is not padded");
        }
        while (in.remaining() > 0) {
            if (in.u8() != 0) {
                throw new MalformedPacketException(packet + " padding is not zero");
            }
        }
    }

    /**
     * Client to server: the first packet, padded to {@link WireFormat#MAX_DATAGRAM_BYTES} so that
     * the server's answers never exceed what it received (anti-amplification).
     *
     * @param clientNonce  {@link WireFormat#NONCE_BYTES} random bytes naming this attempt
     * @param username     the requested username, at most {@link WireFormat#MAX_USERNAME_BYTES} of UTF-8
     * @param idleTimeoutMillis the client's idle timeout: the connection uses the smaller of both sides'
     * @param clientPublic SRP {@code A}
     * @param retryToken   the token from a RETRY, or empty
     * @param resumeId     the {@link WelcomeBody#resumeId()} of the session this client resumes, or
     *                     empty for a fresh join; at most {@link WireFormat#RESUME_ID_BYTES}
     */
    record Hello(byte[] clientNonce, String username, long idleTimeoutMillis, byte[] clientPublic, byte[] retryToken,
                 byte[] resumeId) implements HandshakePacket {
        static final int TYPE = 1;

        /** A HELLO for a fresh join (no session to resume). */
        public Hello(byte[] clientNonce, String username, long idleTimeoutMillis, byte[] clientPublic,
                     byte[] retryToken) {
            this(clientNonce, username, idleTimeoutMillis, clientPublic, retryToken, new byte[0]);
        }

        /** {@code true} if this HELLO asks to resume a session. */
        public boolean resuming() {
            return resumeId.length > 0;
        }

        @Override
        public void encode(ByteBuffer out) {
            int start = out.position();
            header(out, TYPE);
            out.put(clientNonce);
            WireWriter.string8(out, username);
            out.putLong(idleTimeoutMillis);
            WireWriter.bytes16(out, clientPublic);
            WireWriter.bytes8(out, retryToken);
            WireWriter.bytes8(out, resumeId);
            pad(out, start);
        }

        static Hello decodeBody(WireReader in, int datagramLength) throws MalformedPacketException {
            Hello hello = new Hello(in.bytes(WireFormat.NONCE_BYTES), in.string8(), in.i64(), in.bytes16(), in.bytes8(),
                    in.bytes8());
            if (hello.idleTimeoutMillis <= 0) {
                throw new MalformedPacketException("HELLO with idle timeout " + hello.idleTimeoutMillis);
            }
            if (hello.resumeId.length != 0 && hello.resumeId.length != WireFormat.RESUME_ID_BYTES) {
                throw new MalformedPacketException("HELLO with a resume id of " + hello.resumeId.length + " bytes");
            }
            expectPadding(in, datagramLength, "HELLO");
            return hello;
        }
    }

    /**
     * Server to client: the SRP challenge.
     *
     * @param clientNonce  the nonce of the HELLO this answers
     * @param connectionId the connection id the server chose for this client
     * @param serverNonce  {@link WireFormat#NONCE_BYTES} random bytes
     * @param roomName     the room name, which is the SRP identity
     * @param salt         SRP salt
     * @param serverPublic SRP {@code B}
     */
    record Challenge(byte[] clientNonce, long connectionId, byte[] serverNonce, String roomName, byte[] salt,
                     byte[] serverPublic) implements HandshakePacket {
        static final int TYPE = 2;

        @Override
        public void encode(ByteBuffer out) {
            header(out, TYPE);
            out.put(clientNonce).putLong(connectionId).put(serverNonce);
            WireWriter.string16(out, roomName);
            WireWriter.bytes8(out, salt);
            WireWriter.bytes16(out, serverPublic);
        }
    }

    /**
     * Client to server: the SRP proof {@code M1}, padded like HELLO to
     * {@link WireFormat#MAX_DATAGRAM_BYTES}: the server answers a repeated PROOF (its WELCOME or
     * REJECT again) only within three times what came from the address, and a padded PROOF lets a
     * client whose WELCOME parts were lost get them again.
     *
     * @param connectionId  from the CHALLENGE
     * @param clientProof   {@code M1}
     * @param resumeProof   for a resume, the proof that this client held the session
     *                      ({@code io.roomcast.internal.crypto.ResumeProof}); empty for a fresh join
     * @param lastDelivered for a resume, the room sequence of the last event the client's listener
     *                      was given; 0 for a fresh join
     */
    record Proof(long connectionId, byte[] clientProof, byte[] resumeProof, long lastDelivered)
            implements HandshakePacket {
        static final int TYPE = 3;

        /** A PROOF for a fresh join. */
        public Proof(long connectionId, byte[] clientProof) {
            this(connectionId, clientProof, new byte[0], 0);
        }

        @Override
        public void encode(ByteBuffer out) {
            int start = out.position();
            header(out, TYPE);
            out.putLong(connectionId);
            WireWriter.bytes8(out, clientProof);
            WireWriter.bytes8(out, resumeProof);
            out.putLong(lastDelivered);
            pad(out, start);
        }

        static Proof decodeBody(WireReader in, int datagramLength) throws MalformedPacketException {
            Proof proof = new Proof(in.i64(), in.bytes8(), in.bytes8(), in.i64());
            if (proof.lastDelivered < 0) {
                throw new MalformedPacketException("PROOF with last delivered " + proof.lastDelivered);
            }
            expectPadding(in, datagramLength, "PROOF");
            return proof;
        }
    }

    /**
     * Server to client: the client is a member. The member list may not fit one datagram, so a
     * welcome comes in {@code partCount} parts, each carrying the server's proof. Each part's
     * {@link WelcomeBody} travels sealed with the connection's welcome key: only the client that
     * proved the password can read who is in the room.
     *
     * @param connectionId the client's connection id
     * @param serverProof  SRP {@code M2}
     * @param part         this part's index, from 0
     * @param partCount    how many parts there are, at least 1
     * @param sealedBody   the part's {@link WelcomeBody}, sealed
     */
    record Welcome(long connectionId, byte[] serverProof, int part, int partCount, byte[] sealedBody)
            implements HandshakePacket {
        static final int TYPE = 4;

        /**
         * The most bytes of a welcome besides its sealed body: header (5), connection id (8), a
         * server proof of up to 64 bytes with its length byte, part and part count (2 each), and
         * the body's length (2). With SHA-256 the proof is 32 bytes, so the real figure is 32 less.
         */
        public static final int CLEAR_BYTES = 5 + 8 + 1 + 64 + 2 + 2 + 2;

        @Override
        public void encode(ByteBuffer out) {
            out.put(associatedData());
            WireWriter.bytes16(out, sealedBody);
        }

        /** The bytes that the body's sealing authenticates: everything before the body. */
        public byte[] associatedData() {
            ByteBuffer out = ByteBuffer.allocate(5 + 8 + 1 + serverProof.length + 4);
            header(out, TYPE);
            out.putLong(connectionId);
            WireWriter.bytes8(out, serverProof);
            out.putShort((short) part).putShort((short) partCount);
            return out.array();
        }

        static Welcome decodeBody(WireReader in) throws MalformedPacketException {
            long connectionId = in.i64();
            byte[] proof = in.bytes8();
            int part = in.u16();
            int partCount = in.u16();
            if (partCount == 0 || part >= partCount) {
                throw new MalformedPacketException("welcome part " + part + " of " + partCount);
            }
            return new Welcome(connectionId, proof, part, partCount, in.bytes16());
        }
    }

    /**
     * Server to client: the handshake failed.
     *
     * @param clientNonce  the nonce of the HELLO that began the attempt, so that only someone who
     *                     saw that HELLO can end it
     * @param connectionId the connection id of the attempt, or 0 when refusing a HELLO
     * @param reason       why
     * @param detail       a human-readable explanation, such as the username rule
     */
    record Reject(byte[] clientNonce, long connectionId, RejectReason reason, String detail)
            implements HandshakePacket {
        static final int TYPE = 5;

        @Override
        public void encode(ByteBuffer out) {
            header(out, TYPE);
            out.put(clientNonce).putLong(connectionId).put((byte) reason.code());
            WireWriter.string16(out, detail);
        }
    }

    /**
     * Server to client: the server is busy, so before it does any expensive work the client must
     * show it can receive at its address: send HELLO again with this token.
     *
     * @param clientNonce the nonce of the HELLO this answers
     * @param token       the token to echo
     */
    record Retry(byte[] clientNonce, byte[] token) implements HandshakePacket {
        static final int TYPE = 7;

        @Override
        public void encode(ByteBuffer out) {
            header(out, TYPE);
            out.put(clientNonce);
            WireWriter.bytes8(out, token);
        }
    }

    /**
     * Server to client: the client's version is not spoken here. Its layout is the same in every
     * version (and it is decoded whatever its version byte), so that every client can read it.
     *
     * @param clientNonce       the nonce of the HELLO this answers, read from the version-independent
     *                          start of a HELLO ({@link #VERSION_INDEPENDENT_HELLO_PREFIX_BYTES})
     * @param supportedVersions the versions the server speaks
     */
    record VersionMismatch(byte[] clientNonce, List<Integer> supportedVersions) implements HandshakePacket {
        static final int TYPE = 6;

        /** Defensive copy. */
        public VersionMismatch {
            supportedVersions = List.copyOf(supportedVersions);
        }

        @Override
        public void encode(ByteBuffer out) {
            header(out, TYPE);
            out.put(clientNonce).put((byte) supportedVersions.size());
            for (int version : supportedVersions) {
                out.put((byte) version);
            }
        }

        static VersionMismatch decodeBody(WireReader in) throws MalformedPacketException {
            byte[] clientNonce = in.bytes(WireFormat.NONCE_BYTES);
            int count = in.u8();
            List<Integer> versions = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                versions.add(in.u8());
            }
            return new VersionMismatch(clientNonce, versions);
        }
    }
}
