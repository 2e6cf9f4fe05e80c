package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.room.TokenBucket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MemberDeadlinesTest {
    private final Map<RoomMember, Long> wanted = new HashMap<>();
    private final Map<RoomMember, Integer> computed = new HashMap<>();
    private final MemberDeadlines deadlines = new MemberDeadlines(member -> {
        computed.merge(member, 1, Integer::sum);
        return wanted.get(member);
    });

    private RoomMember member(long id, long deadline) {
        PacketProtector protector = new PacketProtector(new byte[PacketProtector.KEY_BYTES],
                new byte[PacketProtector.IV_BYTES]);
        RoomMember member = new RoomMember(id, new InetSocketAddress("127.0.0.1", 1000 + (int) id),
                "m" + id, 15_000_000_000L, new SessionKeys(protector, protector, protector),
                new EventStream(new RoomLog(16), 1, 16, 16),
                new IncomingMessages(1024, new TokenBucket(20, 40, 0), new IncomingMessages.Details("too large",
                        "rate limited"), ByteBudget.unlimited(), new ServerStats()), 16, 16, 0);
        wanted.put(member, deadline);
        deadlines.touch(member);
        return member;
    }

    @Test
    void theFirstDeadlineIsTheEarliestMembers() {
        member(1, 300);
        member(2, 100);
        member(3, 200);

        assertThat(deadlines.first()).isEqualTo(100);
        assertThat(deadlines.first()).isEqualTo(100);
        assertThat(computed.values()).as("each computed once, however often the order is read").containsOnly(1);
    }

    @Test
    void onlyTouchedMembersAreRecomputed() {
        RoomMember a = member(1, 100);
        RoomMember b = member(2, 200);
        deadlines.first();

        wanted.put(a, 500L); // a's state changed, but nobody said so yet: the old deadline stands
        assertThat(deadlines.first()).isEqualTo(100);
        deadlines.touch(a);

        assertThat(deadlines.first()).isEqualTo(200);
        assertThat(computed).containsEntry(a, 2).containsEntry(b, 1);
    }

    @Test
    void dueMembersComeOutEarliestFirstAndReturnWhenTouched() {
        RoomMember a = member(1, 100);
        RoomMember b = member(2, 50);
        member(3, 900);

        assertThat(deadlines.due(100)).containsExactly(b, a);
        assertThat(deadlines.first()).isEqualTo(900);

        wanted.put(a, 400L);
        deadlines.touch(a);
        assertThat(deadlines.first()).isEqualTo(400);
        assertThat(deadlines.due(399)).isEmpty();
    }

    @Test
    void aForgottenMemberHasNoDeadlineEvenIfItWasTouched() {
        RoomMember a = member(1, 100);
        member(2, 200);
        deadlines.first();
        deadlines.touch(a);

        deadlines.remove(a);

        assertThat(deadlines.first()).isEqualTo(200);
        assertThat(deadlines.due(1000)).extracting(RoomMember::connectionId).containsExactly(2L);
        assertThat(deadlines.first()).as("due members are taken out until touched again").isEqualTo(Long.MAX_VALUE);
    }
}
