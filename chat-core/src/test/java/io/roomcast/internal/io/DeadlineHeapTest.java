package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's deadline order, against a sorted set doing the same, over seeded random updates. */
@Timeout(10)
class DeadlineHeapTest {

    @Test
    void theEarliestIsAlwaysWhatASortedSetSaysThroughRandomUpdatesAndRemovals() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                endpoints.add(new Endpoint(null, (DatagramChannel) null, null, null, i));
            }
            DeadlineHeap heap = new DeadlineHeap();
            TreeSet<Endpoint> reference = new TreeSet<>(
                    Comparator.<Endpoint>comparingLong(e -> e.deadline).thenComparingLong(e -> e.id));
            for (int step = 0; step < 5_000; step++) {
                Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
                reference.remove(endpoint);
                int action = random.nextInt(10);
                if (action == 0) {
                    heap.remove(endpoint);
                    endpoint.deadline = Long.MAX_VALUE;
                } else if (action == 1) {
                    heap.update(endpoint, Long.MAX_VALUE);
                } else {
                    heap.update(endpoint, random.nextInt(100)); // ties on purpose
                    reference.add(endpoint);
                }
                String where = "seed " + seed + ", step " + step;
                assertThat(heap.size()).as(where).isEqualTo(reference.size());
                assertThat(heap.earliest()).as(where)
                        .isEqualTo(reference.isEmpty() ? Long.MAX_VALUE : reference.first().deadline);
                if (random.nextInt(50) == 0) {
                    long now = random.nextInt(100);
                    Endpoint due;
                    while ((due = heap.pollDue(now)) != null) {
                        assertThat(due).as(where).isSameAs(reference.pollFirst());
                        assertThat(due.deadline).as(where).isLessThanOrEqualTo(now);
                        assertThat(due.heapIndex).as(where).isEqualTo(-1);
                    }
                    assertThat(reference.isEmpty() || reference.first().deadline > now).as(where).isTrue();
                }
            }
        }
    }
}
