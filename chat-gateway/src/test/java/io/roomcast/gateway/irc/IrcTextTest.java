package io.roomcast.gateway.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IrcTextTest {
    @Test
    void piecesSplitAtCodePointsWithinTheByteBudgetAndAtLineBreaks() {
        List<String> pieces = IrcText.pieces("ab🙂cd", 5); // 🙂 is 4 bytes and must not be cut
        assertThat(pieces).containsExactly("ab", "🙂c", "d");
        assertThat(IrcText.pieces("one\r\ntwo\rthree\nfour\n\n", 100)).containsExactly("one", "two", "three", "four");
        assertThat(IrcText.pieces("nul\0gone", 100)).containsExactly("nulgone");
        assertThat(IrcText.pieces("", 100)).containsExactly("");
        assertThat(IrcText.pieces("\u0002bold\u0002 \u000304red", 100)).containsExactly("\u0002bold\u0002 \u000304red");
        for (String piece : IrcText.pieces("é".repeat(1000), 101)) {
            assertThat(piece.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(101);
        }
    }

    @Test
    void namesCompareAsTheRoomComparesThem() {
        assertThat(IrcText.key("JOAN")).isEqualTo(IrcText.key("joan"));
        assertThat(IrcText.key("joan\uFF11")).isEqualTo(IrcText.key("JOAN1")); // fullwidth digit one
        assertThat(IrcText.key("ΟΔΟΣ")).isEqualTo(IrcText.key("οδος"));
        assertThat(IrcText.channelOf("my room, ok")).isEqualTo("#my_room__ok");
        assertThat(IrcText.token("a b")).isEqualTo("a_b");
        assertThat(IrcText.token(":x")).isEqualTo("*:x");
        assertThat(IrcText.token("")).isEqualTo("*");
        assertThat(IrcText.forLog("a\u001b[31mb\u202e")).isEqualTo("a\\u001B[31mb\\u202E");
    }

    @Test
    void messagesParseTagsPrefixCommandAndTrailing() {
        IrcMessage m = IrcMessage.parse("@time=x;a=b :nick!u@h privmsg   #room  :hello  world ");
        assertThat(m.command()).isEqualTo("PRIVMSG");
        assertThat(m.params()).containsExactly("#room", "hello  world ");
        assertThat(IrcMessage.parse("NICK joan").params()).containsExactly("joan");
        assertThat(IrcMessage.parse("CAP REQ :").params()).containsExactly("REQ", "");
        assertThat(IrcMessage.parse("@only-tags")).isNull();
        assertThat(IrcMessage.parse(":prefix-only   ")).isNull();
        assertThat(IrcMessage.parse("   ")).isNull();
        IrcMessage many = IrcMessage.parse("X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17");
        assertThat(many.params()).hasSize(IrcMessage.MAX_PARAMS).endsWith("15 16 17");
    }

    @Test
    void theLineReaderEndsLinesAtCrOrLfDropsNulAndDiscardsOverlongLines() throws Exception {
        byte[] input = ("a\rb\nc\r\n\r\n" + "x".repeat(50) + "\nd\0e\n" + "tail").getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(new ByteArrayInputStream(input), 20);
        assertThat(reader.next()).isEqualTo("a");
        assertThat(reader.next()).isEqualTo("b");
        assertThat(reader.next()).isEqualTo("c");
        assertThat(reader.next()).isSameAs(LineReader.TOO_LONG);
        assertThat(reader.next()).isEqualTo("de");
        assertThat(reader.next()).isNull(); // an unfinished last line is not a line
        assertThat(new LineReader(new ByteArrayInputStream(new byte[] {(byte) 0xC3, '\n'}), 20).next()).isEqualTo("\uFFFD");
    }

    @Test
    void theOutboxRefusesPastItsBoundAndFinishesWithTheLastLine() throws Exception {
        Outbox outbox = new Outbox(10);
        assertThat(outbox.offer(new byte[6])).isTrue();
        assertThat(outbox.offer(new byte[6])).isFalse();
        assertThat(outbox.offer(new byte[4])).isTrue();
        outbox.finish(new byte[] {1}, true);
        assertThat(outbox.offer(new byte[1])).isFalse();
        assertThat(outbox.take()).containsExactly(1);
        assertThat(outbox.take()).isNull();
    }
}
