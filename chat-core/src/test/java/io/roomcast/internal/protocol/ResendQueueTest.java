package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResendQueueTest {
    private final ResendQueue queue = new ResendQueue();
    /** What the writer was offered, as "item:offset+length". */
    private final List<String> offered = new ArrayList<>();

    private static ResendQueue.Piece piece(long item, int offset, int length) {
        return new ResendQueue.Piece(item, offset, length);
    }

    /** A writer that takes every piece whole. */
    private int takeAll(long item, int offset, int length) {
        offered.add(item + ":" + offset + "+" + length);
        return length;
    }

    @Test
    void lostPiecesOfItemsStillWantedGoAgainOldestFirst() {
        queue.lost(List.of(piece(1, 0, 10), piece(2, 0, 10), piece(3, 5, 10)), item -> item != 2);
        queue.lost(List.of(piece(4, 0, 10)), item -> true);

        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.writeInto(this::takeAll)).as("emptied: new data may follow").isTrue();
        assertThat(offered).containsExactly("1:0+10", "3:5+10", "4:0+10");
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void settledItemsAreDropped() {
        queue.lost(List.of(piece(1, 0, 10), piece(2, 0, 10), piece(1, 10, 10), piece(3, 0, 10)), item -> true);
        queue.drop(item -> item == 1);

        queue.writeInto(this::takeAll);
        assertThat(offered).containsExactly("2:0+10", "3:0+10");
    }

    @Test
    void aPieceThatMustWaitStopsTheQueueAndStaysAtTheFront() {
        queue.lost(List.of(piece(1, 0, 10), piece(2, 0, 10)), item -> true);

        assertThat(queue.writeInto((item, offset, length) -> {
            offered.add(item + ":" + offset + "+" + length);
            return SliceRule.WAIT;
        })).as("not emptied: nothing new may follow").isFalse();

        assertThat(offered).containsExactly("1:0+10");
        offered.clear();
        queue.writeInto(this::takeAll);
        assertThat(offered).containsExactly("1:0+10", "2:0+10");
    }

    @Test
    void aPieceWrittenInPartLeavesItsRestAtTheFront() {
        queue.lost(List.of(piece(1, 100, 1000), piece(2, 0, 10)), item -> true);

        assertThat(queue.writeInto((item, offset, length) -> {
            offered.add(item + ":" + offset + "+" + length);
            return 300;
        })).isFalse();

        assertThat(offered).containsExactly("1:100+1000");
        assertThat(queue.size()).isEqualTo(2);
        offered.clear();
        queue.writeInto(this::takeAll);
        assertThat(offered).containsExactly("1:400+700", "2:0+10");
    }

    @Test
    void piecesOfItemsGoneAreSkipped() {
        queue.lost(List.of(piece(1, 0, 10), piece(2, 0, 10), piece(3, 0, 10)), item -> true);

        assertThat(queue.writeInto((item, offset, length) -> {
            offered.add(item + ":" + offset + "+" + length);
            return item == 3 ? length : ResendQueue.GONE;
        })).isTrue();

        assertThat(offered).containsExactly("1:0+10", "2:0+10", "3:0+10");
        assertThat(queue.isEmpty()).isTrue();
    }
}
