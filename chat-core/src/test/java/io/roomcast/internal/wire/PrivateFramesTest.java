package io.roomcast.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The private stream's frames are kept apart from the room stream's. */
@Timeout(10)
class PrivateFramesTest {

    @Test
    void aPrivateKindInAnEventFrameIsMalformed() {
        EventFrame privateMessage = EventFrame.privateMessage(1, 0, "joan", 3, "psst");
        ByteBuffer asRoomEvent = ByteBuffer.wrap(privateMessage.toBytes());

        assertThatThrownBy(() -> Frame.decodeAll(new WireReader(asRoomEvent)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("room stream");
    }

    @Test
    void aRoomKindInAPrivateEventFrameIsMalformed() {
        EventFrame message = EventFrame.message(1, 0, "joan", 3, "halo");
        ByteBuffer asPrivate = ByteBuffer.wrap(message.toPrivateBytes());

        assertThatThrownBy(() -> Frame.decodeAll(new WireReader(asPrivate)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("private stream");
    }

    @Test
    void privateBytesDecodeAsThePrivateEvent() throws MalformedPacketException {
        EventFrame sent = EventFrame.privateSent(4, 99, "ega", 12);

        List<Frame> frames = Frame.decodeAll(new WireReader(ByteBuffer.wrap(sent.toPrivateBytes())));

        assertThat(frames).containsExactly(new Frame.PrivateEvent(sent));
        assertThat(sent.toPrivateBytes()).hasSize(sent.encodedLength());
    }

    @Test
    void aPrivateSendCountsItsRecipientInItsOverhead() {
        Frame.PrivateSend send = new Frame.PrivateSend(1, "Дмитрий", 4, 0, new byte[4]);
        ByteBuffer out = ByteBuffer.allocate(200);
        send.encode(out);

        assertThat(out.position()).isEqualTo(send.encodedLength())
                .isEqualTo(Frame.PrivateSend.overheadBytes("Дмитрий") + 4);
    }
}
