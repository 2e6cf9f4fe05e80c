package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatException;
import io.roomcast.MessageRefusedException;
import io.roomcast.RefusalReason;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The refusals as the library gives them (reason, message, the server's detail), and the words the client shows. */
@Timeout(10)
class RefusalTextTest {

    @Test
    void eachReasonInWords() {
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.MUTED,
                "the server refused the message: you are muted for another 4 min 50 s", "you are muted for another 4 min 50 s"), null))
                .isEqualTo("!! not sent: you are muted for another 4 min 50 s");
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.MUTED,
                "the server refused the private message to 'ega': you are muted for another 9 min", "you are muted for another 9 min"), "ega"))
                .isEqualTo("!! not sent: you are muted for another 9 min");
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.NO_SUCH_MEMBER,
                "the server refused the private message: 'nobody' is not in the room", "no member by that name is in the room"), "nobody"))
                .isEqualTo("!! not sent: 'nobody' is not in the room");
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.RATE_LIMITED,
                "the server refused the message: sending faster than the room allows (20.0 messages/s, bursts of 40)", "sending faster than the room allows (20.0 messages/s, bursts of 40)"),
                null)).isEqualTo("!! not sent: too fast — sending faster than the room allows (20.0 messages/s, bursts of 40)");
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.TOO_LARGE,
                "the server refused the message: message is 20000 bytes", "message is 20000 bytes"), null))
                .isEqualTo("!! not sent: too long — message is 20000 bytes");
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.ROOM_UNAVAILABLE,
                "the server refused the message: no quorum\u001b[2J", "no quorum\u001b[2J"), null))
                .isEqualTo("!! not sent: the room is unavailable on this server (cut off from most of its cluster)"
                        + " — send it again later");
    }

    @Test
    void aFutureFailureIsUnwrappedAndTheClientsOwnRefusalsAreNotSent() {
        assertThat(RefusalText.of(new CompletionException(new MessageRefusedException(RefusalReason.MUTED,
                "the server refused the message: you are muted for another 1 s", "you are muted for another 1 s")), null))
                .isEqualTo("!! not sent: you are muted for another 1 s");
        assertThat(RefusalText.of(new IllegalArgumentException("message is 17000 bytes of UTF-8; the room's limit is 16384"),
                null)).isEqualTo("!! not sent: message is 17000 bytes of UTF-8; the room's limit is 16384");
        assertThat(RefusalText.of(new ChatException("disconnected (KICKED) before the server confirmed the message"), null))
                .isEqualTo("!! not delivered: disconnected (KICKED) before the server confirmed the message");
    }

    @Test
    void theServersWordsAreEscaped() {
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.MUTED,
                "the server refused the message: muted\n12:01 <joan> fake\u001b[2J", "muted\n12:01 <joan> fake\u001b[2J"), null))
                .isEqualTo("!! not sent: muted⏎12:01 <joan> fake^[[2J");
        assertThat(RefusalText.of(new MessageRefusedException(RefusalReason.NO_SUCH_MEMBER, "x"), "a\u202Eb"))
                .isEqualTo("!! not sent: 'a<U+202E>b' is not in the room");
    }
}
