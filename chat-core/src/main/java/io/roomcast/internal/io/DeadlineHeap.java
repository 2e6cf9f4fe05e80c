package io.roomcast.internal.io;

import java.util.Arrays;

/**
 * The endpoints of one {@link EventLoop} that have a deadline, earliest first: a binary min-heap
 * ordered by (deadline, endpoint id), each endpoint knowing its own place in it, so that finding
 * the earliest is O(1) and moving, adding or removing one endpoint is O(log n) — the loop never
 * scans all its endpoints to decide how long to sleep. Nothing is allocated once the array has
 * grown to the number of endpoints.
 *
 * <p>Threads: the loop's thread only.
 */
final class DeadlineHeap {
    private Endpoint[] heap = new Endpoint[4];
    private int size;

    /** The earliest deadline, or {@link Long#MAX_VALUE} if no endpoint has one. */
    long earliest() {
        return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    /** Removes and returns the endpoint with the earliest deadline if it is at or before {@code now}; else {@code null}. */
    Endpoint pollDue(long now) {
        if (size == 0 || heap[0].deadline > now) {
            return null;
        }
        Endpoint first = heap[0];
        removeAt(0);
        return first;
    }

    /**
     * Files {@code endpoint} under {@code deadline}, moving it if it was filed under another;
     * {@link Long#MAX_VALUE} (never) takes it out.
     */
    void update(Endpoint endpoint, long deadline) {
        int index = endpoint.heapIndex;
        if (deadline == Long.MAX_VALUE) {
            endpoint.deadline = Long.MAX_VALUE;
            if (index >= 0) {
                removeAt(index);
            }
            return;
        }
        if (index >= 0 && endpoint.deadline == deadline) {
            return;
        }
        endpoint.deadline = deadline;
        if (index < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            place(endpoint, size++);
            siftUp(size - 1);
        } else {
            siftUp(index);
            siftDown(endpoint.heapIndex);
        }
    }

    /** Takes {@code endpoint} out, if it is in. */
    void remove(Endpoint endpoint) {
        update(endpoint, Long.MAX_VALUE);
    }

    /** How many endpoints have a deadline. */
    int size() {
        return size;
    }

    private void removeAt(int index) {
        Endpoint gone = heap[index];
        gone.heapIndex = -1;
        size--;
        if (index == size) {
            heap[size] = null;
            return;
        }
        place(heap[size], index);
        heap[size] = null;
        siftUp(index);
        siftDown(heap[index].heapIndex);
    }

    private void siftUp(int index) {
        Endpoint moving = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!before(moving, heap[parent])) {
                break;
            }
            place(heap[parent], index);
            index = parent;
        }
        place(moving, index);
    }

    private void siftDown(int index) {
        Endpoint moving = heap[index];
        while (true) {
            int child = 2 * index + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], moving)) {
                break;
            }
            place(heap[child], index);
            index = child;
        }
        place(moving, index);
    }

    private void place(Endpoint endpoint, int index) {
        heap[index] = endpoint;
        endpoint.heapIndex = index;
    }

    /** Ordered by deadline, then by id, so that no two endpoints are equal. */
    private static boolean before(Endpoint a, Endpoint b) {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.id < b.id);
    }
}
