package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames that make up a short-header packet's payload, QUIC style: a type byte, then a
 * body. Several frames share one datagram.
 */
public sealed interface Frame permits Frame.Ping, AckFrame, Frame.Send, EventFrame, Frame.Fragment, Frame.Delivered,
        Frame.Error, Frame.Close, Frame.CloseAck, Frame.PathChallenge, Frame.PathResponse, Frame.PrivateSend,
        Frame.PrivateEvent, Frame.PrivateFragment, Frame.PrivateDelivered {

    int PING = 0x01;
    int ACK = 0x02;
    int SEND = 0x03;
    int EVENT = 0x04;
    int ERROR = 0x05;
    int CLOSE = 0x06;
    int CLOSE_ACK = 0x07;
    int FRAGMENT = 0x08;
    int DELIVERED = 0x09;
    int PATH_CHALLENGE = 0x0A;
    int PATH_RESPONSE = 0x0B;
    int PRIVATE_SEND = 0x0C;
    int PRIVATE_EVENT = 0x0D;
    int PRIVATE_FRAGMENT = 0x0E;
    int PRIVATE_DELIVERED = 0x0F;

    /** {@code true} if a packet holding this frame must be acknowledged (everything but ACK). */
    default boolean ackEliciting() {
        return true;
    }

    /** Writes the frame, type byte included. */
    void encode(ByteBuffer out);

    /** Bytes {@link #encode} writes. */
    int encodedLength();

    /**
     * Decodes the next frame.
     *
     * @throws MalformedPacketException if the bytes are not a valid frame
     */
    static Frame decode(WireReader in) throws MalformedPacketException {
        int type = in.u8();
        return switch (type) {
            case PING -> Ping.INSTANCE;
            case ACK -> AckFrame.decodeBody(in);
            case SEND -> Send.decodeBody(in);
            case EVENT -> EventFrame.decodeRoomBody(in);
            case FRAGMENT -> Fragment.decodeBody(in);
            case DELIVERED -> new Delivered(in.i64());
            case PATH_CHALLENGE -> new PathChallenge(in.i64());
            case PATH_RESPONSE -> new PathResponse(in.i64());
            case ERROR -> new Error(in.i64(), ErrorCode.of(in.u8()), in.string16());
            case CLOSE -> new Close(CloseReason.of(in.u8()));
            case CLOSE_ACK -> CloseAck.INSTANCE;
            case PRIVATE_SEND -> PrivateSend.decodeBody(in);
            case PRIVATE_EVENT -> PrivateEvent.decodeBody(in);
            case PRIVATE_FRAGMENT -> new PrivateFragment(Fragment.decodeBody(in));
            case PRIVATE_DELIVERED -> new PrivateDelivered(in.i64());
            default -> throw new MalformedPacketException("unknown frame type " + type);
        };
    }

    /**
     * Decodes the frames that fill an opened payload.
     *
     * @throws MalformedPacketException if they are not valid frames, or there are none
     */
    static List<Frame> decodeAll(WireReader in) throws MalformedPacketException {
        if (in.remaining() == 0) {
            throw new MalformedPacketException("packet without frames");
        }
        List<Frame> frames = new ArrayList<>();
        while (in.remaining() > 0) {
            frames.add(decode(in));
        }
        return frames;
    }

    /**
     * Keeps an idle connection alive and probes for loss: carries nothing, but like every frame
     * except ACK it is ack-eliciting, so the peer answers with an ACK.
     */
    enum Ping implements Frame {
        /** The only ping. */
        INSTANCE;

        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PING);
        }

        @Override
        public int encodedLength() {
            return 1;
        }
    }

    /**
     * Client to server: every room event up to and including {@code sequence} has been delivered
     * to the application. The server sends no event further than a window beyond it, which
     * bounds what a client must hold back while a gap fills.
     *
     * @param sequence the highest room sequence number below which nothing is missing
     */
    record Delivered(long sequence) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) DELIVERED).putLong(sequence);
        }

        @Override
        public int encodedLength() {
            return 9;
        }
    }

    /**
     * Client to server: a slice of a message's UTF-8 text. A message that fits one packet is one
     * slice with {@code offset} 0 and {@code data.length == totalLength}; a longer one is sent
     * in several, possibly in several packets, and reassembled by the server.
     *
     * @param messageId   the client's id for the message: 1, 2, 3... per connection, so the server
     *                    accepts each exactly once and in order
     * @param totalLength the message's length in bytes of UTF-8
     * @param offset      where this slice starts
     * @param data        the slice
     */
    record Send(long messageId, int totalLength, int offset, byte[] data) implements Frame {
        /** Bytes of a SEND besides its data. */
        public static final int OVERHEAD_BYTES = 1 + 8 + 4 + 4 + 2;

        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) SEND).putLong(messageId).putInt(totalLength).putInt(offset);
            WireWriter.bytes16(out, data);
        }

        @Override
        public int encodedLength() {
            return OVERHEAD_BYTES + data.length;
        }

        static Send decodeBody(WireReader in) throws MalformedPacketException {
            long id = in.i64();
            int total = in.i32();
            int offset = in.i32();
            byte[] data = in.bytes16();
            checkSlice(total, offset, data.length);
            return new Send(id, total, offset, data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Send other && messageId == other.messageId && totalLength == other.totalLength
                    && offset == other.offset && java.util.Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(messageId, totalLength, offset, java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Send[" + messageId + ", " + offset + "+" + data.length + "/" + totalLength + "]";
        }
    }

    /**
     * Server to client: a slice of an encoded EVENT frame too large for one packet. When all
     * slices of {@code sequence} have arrived, their concatenation decodes as an EVENT frame.
     *
     * @param sequence    the room sequence number of the event
     * @param totalLength the encoded event's length
     * @param offset      where this slice starts
     * @param data        the slice
     */
    record Fragment(long sequence, int totalLength, int offset, byte[] data) implements Frame {
        /** Bytes of a FRAGMENT besides its data. */
        public static final int OVERHEAD_BYTES = 1 + 8 + 4 + 4 + 2;

        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) FRAGMENT).putLong(sequence).putInt(totalLength).putInt(offset);
            WireWriter.bytes16(out, data);
        }

        @Override
        public int encodedLength() {
            return OVERHEAD_BYTES + data.length;
        }

        static Fragment decodeBody(WireReader in) throws MalformedPacketException {
            long sequence = in.i64();
            int total = in.i32();
            int offset = in.i32();
            byte[] data = in.bytes16();
            checkSlice(total, offset, data.length);
            return new Fragment(sequence, total, offset, data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fragment other && sequence == other.sequence && totalLength == other.totalLength
                    && offset == other.offset && java.util.Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(sequence, totalLength, offset, java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Fragment[" + sequence + ", " + offset + "+" + data.length + "/" + totalLength + "]";
        }
    }

    /**
     * Server to client, at a new address the client's packets came from: echo this to prove you
     * receive there. The session moves to the new address only then.
     *
     * @param data unpredictable bytes
     */
    record PathChallenge(long data) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PATH_CHALLENGE).putLong(data);
        }

        @Override
        public int encodedLength() {
            return 9;
        }
    }

    /**
     * Client to server: the answer to a PATH_CHALLENGE.
     *
     * @param data the challenge's bytes
     */
    record PathResponse(long data) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PATH_RESPONSE).putLong(data);
        }

        @Override
        public int encodedLength() {
            return 9;
        }
    }

    /** Rejects slices that cannot belong to their whole. */
    private static void checkSlice(int total, int offset, int length) throws MalformedPacketException {
        if (total < 0 || offset < 0 || (long) offset + length > total || (length == 0 && total != 0)) {
            throw new MalformedPacketException("slice " + offset + "+" + length + " of " + total);
        }
    }

    /**
     * Server to client: the message with {@code messageId} was refused.
     *
     * @param messageId the client's message id
     * @param code      why
     * @param detail    a human-readable explanation
     */
    record Error(long messageId, ErrorCode code, String detail) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) ERROR).putLong(messageId).put((byte) code.code());
            WireWriter.string16(out, detail);
        }

        @Override
        public int encodedLength() {
            return 1 + 8 + 1 + 2 + EventFrame.utf8Length(detail);
        }
    }

    /**
     * Either direction: the sender is ending the connection.
     *
     * @param reason why
     */
    record Close(CloseReason reason) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) CLOSE).put((byte) reason.code());
        }

        @Override
        public int encodedLength() {
            return 2;
        }
    }

    /** Either direction: the peer's CLOSE arrived. */
    enum CloseAck implements Frame {
        /** The only close acknowledgement. */
        INSTANCE;

        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) CLOSE_ACK);
        }

        @Override
        public int encodedLength() {
            return 1;
        }
    }

    /**
     * Client to server: a slice of a private message's UTF-8 text for {@code recipient}, sliced,
     * numbered and reassembled exactly like {@link Send} (the two share the message id sequence).
     *
     * @param messageId   the client's id for the message, from the same sequence as room messages
     * @param recipient   the recipient's username, as the sender typed it; the same in every slice
     * @param totalLength the message's length in bytes of UTF-8
     * @param offset      where this slice starts
     * @param data        the slice
     */
    record PrivateSend(long messageId, String recipient, int totalLength, int offset, byte[] data) implements Frame {
        /** Bytes of a PRIVATE_SEND besides its recipient's UTF-8 and its data. */
        public static final int OVERHEAD_BYTES = 1 + 8 + 1 + 4 + 4 + 2;

        /** Bytes of a PRIVATE_SEND to {@code recipient} besides its data. */
        public static int overheadBytes(String recipient) {
            return OVERHEAD_BYTES + EventFrame.utf8Length(recipient);
        }

        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PRIVATE_SEND).putLong(messageId);
            WireWriter.string8(out, recipient);
            out.putInt(totalLength).putInt(offset);
            WireWriter.bytes16(out, data);
        }

        @Override
        public int encodedLength() {
            return overheadBytes(recipient) + data.length;
        }

        static PrivateSend decodeBody(WireReader in) throws MalformedPacketException {
            long id = in.i64();
            String recipient = in.string8();
            int total = in.i32();
            int offset = in.i32();
            byte[] data = in.bytes16();
            checkSlice(total, offset, data.length);
            return new PrivateSend(id, recipient, total, offset, data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PrivateSend other && messageId == other.messageId
                    && recipient.equals(other.recipient) && totalLength == other.totalLength
                    && offset == other.offset && java.util.Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(messageId, recipient, totalLength, offset, java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "PrivateSend[" + messageId + ", " + offset + "+" + data.length + "/" + totalLength + "]";
        }
    }

    /**
     * Server to client: an entry of the member's own private stream (a private message to it, or
     * the confirmation of one it sent), with the body of an EVENT frame. Its sequence number counts
     * in the member's private stream, 1, 2, 3..., not in the room's.
     *
     * @param event the entry; its kind is {@link EventKind#PRIVATE} or {@link EventKind#PRIVATE_SENT}
     */
    record PrivateEvent(EventFrame event) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PRIVATE_EVENT);
            event.encodeBody(out);
        }

        @Override
        public int encodedLength() {
            return event.encodedLength();
        }

        static PrivateEvent decodeBody(WireReader in) throws MalformedPacketException {
            EventFrame event = EventFrame.decodeBody(in);
            if (!event.isPrivate()) {
                throw new MalformedPacketException("a " + event.kind() + " event in the private stream");
            }
            return new PrivateEvent(event);
        }
    }

    /**
     * Server to client: a slice of an encoded PRIVATE_EVENT frame too large for one packet, like
     * {@link Fragment} but in the member's private stream.
     *
     * @param fragment the slice, its sequence number counting in the private stream
     */
    record PrivateFragment(Fragment fragment) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PRIVATE_FRAGMENT).putLong(fragment.sequence()).putInt(fragment.totalLength())
                    .putInt(fragment.offset());
            WireWriter.bytes16(out, fragment.data());
        }

        @Override
        public int encodedLength() {
            return fragment.encodedLength();
        }
    }

    /**
     * Client to server: every entry of the member's private stream up to and including
     * {@code sequence} has been delivered to the application, like {@link Delivered}.
     *
     * @param sequence the highest private sequence number below which nothing is missing
     */
    record PrivateDelivered(long sequence) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) PRIVATE_DELIVERED).putLong(sequence);
        }

        @Override
        public int encodedLength() {
            return 9;
        }
    }
}
