package io.roomcast.internal.wire;

import java.nio.ByteBuffer;

/**
 * The frames that make up a short-header packet's payload, QUIC style: a type byte, then a
 * body. Several frames share one datagram.
 */
public sealed interface Frame permits Frame.Ping, Frame.Ack, Frame.Send, EventFrame, Frame.Error, Frame.Close,
        Frame.CloseAck {

    int PING = 0x01;
    int ACK = 0x02;
    int SEND = 0x03;
    int EVENT = 0x04;
    int ERROR = 0x05;
    int CLOSE = 0x06;
    int CLOSE_ACK = 0x07;

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
            case ACK -> new Ack(in.i64());
            case SEND -> new Send(in.i64(), in.string16());
            case EVENT -> EventFrame.decodeBody(in);
            case ERROR -> new Error(in.i64(), ErrorCode.of(in.u8()), in.string16());
            case CLOSE -> new Close(CloseReason.of(in.u8()));
            case CLOSE_ACK -> CloseAck.INSTANCE;
            default -> throw new MalformedPacketException("unknown frame type " + type);
        };
    }

    /** Keeps an idle connection alive; asks for nothing in return. */
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
     * Client to server: every room event up to and including {@code sequence} has arrived.
     *
     * @param sequence the highest room sequence number below which nothing is missing
     */
    record Ack(long sequence) implements Frame {
        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) ACK).putLong(sequence);
        }

        @Override
        public int encodedLength() {
            return 9;
        }
    }

    /**
     * Client to server: a message to the room.
     *
     * @param messageId the client's id for it: 1, 2, 3... per connection, so the server
     *                  accepts each exactly once and in order
     * @param text      the text
     */
    record Send(long messageId, String text) implements Frame {
        /** Bytes of a SEND besides its text. */
        public static final int OVERHEAD_BYTES = 1 + 8 + 2;

        @Override
        public void encode(ByteBuffer out) {
            out.put((byte) SEND).putLong(messageId);
            WireWriter.string16(out, text);
        }

        @Override
        public int encodedLength() {
            return OVERHEAD_BYTES + EventFrame.utf8Length(text);
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
}
