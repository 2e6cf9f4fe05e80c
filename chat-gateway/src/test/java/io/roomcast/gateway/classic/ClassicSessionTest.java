package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One client's state, driven with a clock the test controls. */
@Timeout(10)
class ClassicSessionTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private final List<String> sent = new ArrayList<>();
    private final ClassicSession session = new ClassicSession(CLIENT, (to, line) -> sent.add(line), 0);

    @Test
    void aClientMaySendItsBurstAtOnceThenFiftyDatagramsASecond() {
        for (int i = 0; i < ClassicSession.DATAGRAM_BURST; i++) {
            assertThat(session.heard(0)).as("datagram %d of the burst", i).isTrue();
        }
        assertThat(session.heard(0)).isFalse();
        long twentyMillis = TimeUnit.MILLISECONDS.toNanos(20); // one datagram's worth at 50 a second
        assertThat(session.heard(twentyMillis)).isTrue();
        assertThat(session.heard(twentyMillis)).isFalse();
        long muchLater = TimeUnit.MINUTES.toNanos(1);
        int allowed = 0;
        while (session.heard(muchLater)) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(ClassicSession.DATAGRAM_BURST); // refilled to the burst, no further
        assertThat(session.lastHeardNanos()).isEqualTo(muchLater);
    }

    @Test
    void roomLinesWaitForUsernameOkAndFollowItInOrder() {
        session.password("rahasia");
        assertThat(session.startJoining("budi")).isEqualTo("rahasia");
        session.fromRoom("ana: early");
        session.fromRoom("citra bergabung ke chatroom.");
        assertThat(sent).isEmpty();
        assertThat(session.joined("budi bergabung ke chatroom.")).isTrue();
        session.fromRoom("ana: later");
        assertThat(sent).containsExactly("USERNAME OK", "budi bergabung ke chatroom.", "ana: early",
                "citra bergabung ke chatroom.", "ana: later");
    }

    @Test
    void aRefusedPasswordIsForgottenAndNotTriedAgainUntilANewOne() {
        session.password("salah");
        assertThat(session.startJoining("budi")).isEqualTo("salah");
        session.joinFailed(true, ClassicLines.PASSWORD_INCORRECT);
        assertThat(session.passwordRefused()).isTrue();
        assertThat(session.startJoining("budi")).isNull();
        session.password("rahasia");
        assertThat(session.startJoining("budi")).isEqualTo("rahasia");
        assertThat(sent).containsExactly("PASSWORD INCORRECT");
    }

    @Test
    void aClosedSessionSendsNothingMoreAndAJoinFindsItClosed() {
        assertThat(session.startJoining("budi")).isEqualTo(""); // no PASSWORD: the empty one, for an open room
        assertThat(session.close(null)).isNull(); // no client yet
        assertThat(session.joined("budi bergabung ke chatroom.")).isFalse();
        session.reply("PASSWORD OK");
        session.fromRoom("ana: hi");
        assertThat(sent).isEmpty();
        assertThat(session.state()).isEqualTo(ClassicSession.State.CLOSED);
    }
}
