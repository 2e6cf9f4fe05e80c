package io.roomcast.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ledger's exact counts for deliveries fed in a known order. */
@Timeout(10)
class DeliveryLedgerTest {

    /** Sender {@code sender} sends {@code count} messages, all accepted. */
    private static void sendAccepted(DeliveryLedger ledger, int sender, int count) {
        for (int sequence = 0; sequence < count; sequence++) {
            ledger.sent(sender, sequence);
            ledger.accepted(sender, sequence);
        }
    }

    @Test
    void everythingOnceAndInOrderIsClean() {
        DeliveryLedger ledger = new DeliveryLedger(3, 2);
        sendAccepted(ledger, 0, 5);
        sendAccepted(ledger, 1, 5);
        for (int receiver = 0; receiver < 3; receiver++) {
            for (int sequence = 0; sequence < 5; sequence++) {
                ledger.delivered(receiver, 0, sequence);
                ledger.delivered(receiver, 1, sequence);
            }
        }

        assertThat(ledger.deliveries()).isEqualTo(30);
        assertThat(ledger.accepted()).isEqualTo(10);
        assertThat(ledger.lost()).isZero();
        assertThat(ledger.duplicated()).isZero();
        assertThat(ledger.outOfOrder()).isZero();
    }

    @Test
    void aSequenceSeenBeforeIsADuplicateWhetherItWasTheLatestOrAnEarlierOne() {
        DeliveryLedger ledger = new DeliveryLedger(1, 1);
        sendAccepted(ledger, 0, 4);
        for (long sequence : new long[] {0, 1, 1, 2, 0, 3, 3, 1}) {
            ledger.delivered(0, 0, sequence);
        }

        assertThat(ledger.duplicated()).isEqualTo(4);
        assertThat(ledger.outOfOrder()).isZero();
        assertThat(ledger.lost()).isZero();
        assertThat(ledger.deliveries()).isEqualTo(8);
    }

    @Test
    void aSequenceArrivingAfterALaterOneIsOutOfOrderOnceAndThenADuplicate() {
        DeliveryLedger ledger = new DeliveryLedger(1, 1);
        sendAccepted(ledger, 0, 6);
        for (long sequence : new long[] {0, 3, 1, 2, 5, 4, 4, 2}) {
            ledger.delivered(0, 0, sequence);
        }

        assertThat(ledger.outOfOrder()).as("1, 2 after 3; 4 after 5").isEqualTo(3);
        assertThat(ledger.duplicated()).as("the second 4 and the second 2").isEqualTo(2);
        assertThat(ledger.lost()).isZero();
    }

    @Test
    void acceptedMessagesNeverReceivedAreLostPerReceiverInGapsAndAtTheEnd() {
        DeliveryLedger ledger = new DeliveryLedger(2, 2);
        sendAccepted(ledger, 0, 10);
        sendAccepted(ledger, 1, 3);
        for (long sequence : new long[] {0, 1, 4, 5, 7}) { // receiver 0 misses 2, 3, 6 (gaps) and 8, 9 (the end)
            ledger.delivered(0, 0, sequence);
        }
        for (long sequence = 0; sequence < 3; sequence++) {
            ledger.delivered(0, 1, sequence);
        }
        for (long sequence = 0; sequence < 10; sequence++) { // receiver 1 has everything from 0, nothing from 1
            ledger.delivered(1, 0, sequence);
        }

        assertThat(ledger.lost()).isEqualTo(5 + 3);
        assertThat(ledger.outOfOrder()).isZero();
        assertThat(ledger.duplicated()).isZero();

        ledger.delivered(0, 0, 3); // late, so out of order: no longer lost
        assertThat(ledger.lost()).isEqualTo(4 + 3);
        assertThat(ledger.outOfOrder()).isEqualTo(1);
    }

    @Test
    void refusedMessagesAreExpectedNowhereAndTheirGapsAreForgotten() {
        DeliveryLedger ledger = new DeliveryLedger(1, 1);
        for (int sequence = 0; sequence < 6; sequence++) {
            ledger.sent(0, sequence);
        }
        ledger.accepted(0, 0);
        ledger.refused(0, 1); // known refused before the receiver skips it
        ledger.accepted(0, 2);
        ledger.accepted(0, 4);
        ledger.delivered(0, 0, 0);
        ledger.delivered(0, 0, 2);
        ledger.delivered(0, 0, 4);
        ledger.refused(0, 3); // refused after the receiver skipped it
        ledger.refused(0, 5); // never arrives
        ledger.pruneRefused();

        assertThat(ledger.lost()).isZero();
        assertThat(ledger.accepted()).isEqualTo(3);
        assertThat(ledger.outOfOrder()).isZero();
        assertThat(ledger.duplicated()).isZero();
    }

    @Test
    void messagesNotYetConfirmedAreNotLostUntilTheRoomAcceptsThem() {
        DeliveryLedger ledger = new DeliveryLedger(1, 1);
        ledger.sent(0, 0);
        ledger.sent(0, 1);
        ledger.accepted(0, 1);
        ledger.delivered(0, 0, 1);
        assertThat(ledger.lost()).as("0 is neither accepted nor refused yet").isZero();

        ledger.accepted(0, 0);
        assertThat(ledger.lost()).isEqualTo(1);
    }

    @Test
    void aReceiverThatLeftExpectsOnlyWhatWasSentBefore() {
        DeliveryLedger ledger = new DeliveryLedger(2, 1);
        sendAccepted(ledger, 0, 3);
        ledger.delivered(0, 0, 0);
        ledger.left(0); // had 0; 1 and 2 were sent before it left: lost
        for (int sequence = 3; sequence < 8; sequence++) {
            ledger.sent(0, sequence);
            ledger.accepted(0, sequence);
        }
        for (long sequence = 0; sequence < 8; sequence++) {
            ledger.delivered(1, 0, sequence);
        }

        assertThat(ledger.hasLeft(0)).isTrue();
        assertThat(ledger.hasLeft(1)).isFalse();
        assertThat(ledger.lost()).isEqualTo(2);
    }

    @Test
    void aMemberThatLeftBeforeItsJoinWasRecordedIsCountedAsLeftOnce() {
        DeliveryLedger ledger = new DeliveryLedger(1, 1);
        assertThat(ledger.left(0)).as("not joined yet: the leave is not counted here").isFalse();
        assertThat(ledger.joined(0)).as("the join finds the leave, and counts it").isTrue();
        assertThat(ledger.left(0)).as("a second leave").isFalse();

        assertThat(ledger.leftAfterJoining()).isEqualTo(1);
        assertThat(ledger.hasLeft(0)).isTrue();
    }

    @Test
    void aMemberThatJoinedAndThenLeftIsCountedOnceAndOneThatNeverJoinedIsNot() {
        DeliveryLedger ledger = new DeliveryLedger(3, 1);
        assertThat(ledger.joined(0)).isFalse();
        assertThat(ledger.left(0)).as("joined, then left: counted here").isTrue();
        assertThat(ledger.left(0)).isFalse();
        assertThat(ledger.joined(1)).isFalse(); // stays
        assertThat(ledger.left(2)).as("its join failed").isFalse();

        assertThat(ledger.leftAfterJoining()).isEqualTo(1);
    }
}
