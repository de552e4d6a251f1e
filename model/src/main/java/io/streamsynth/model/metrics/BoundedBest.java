package io.streamsynth.model.metrics;

import java.util.Arrays;

/**
 * Keeps the largest {@code capacity} long keys seen so far. A min-heap on the kept keys makes a
 * rejected candidate cost one comparison, which is what most candidates are once the heap is warm.
 */
final class BoundedBest {

    private final long[] heap;
    private int size;

    BoundedBest(int capacity) {
        heap = new long[capacity];
    }

    void offer(long key) {
        if (size < heap.length) {
            heap[size] = key;
            siftUp(size++);
        } else if (heap.length > 0 && key > heap[0]) {
            heap[0] = key;
            siftDown(0);
        }
    }

    /** The kept keys, largest first; leaves this selection empty for reuse. */
    long[] drainDescending() {
        long[] kept = Arrays.copyOf(heap, size);
        Arrays.sort(kept);
        for (int lo = 0, hi = kept.length - 1; lo < hi; lo++, hi--) {
            long swap = kept[lo];
            kept[lo] = kept[hi];
            kept[hi] = swap;
        }
        size = 0;
        return kept;
    }

    private void siftUp(int child) {
        long key = heap[child];
        while (child > 0) {
            int parent = (child - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[child] = heap[parent];
            child = parent;
        }
        heap[child] = key;
    }

    private void siftDown(int parent) {
        long key = heap[parent];
        while (true) {
            int child = 2 * parent + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (key <= heap[child]) {
                break;
            }
            heap[parent] = heap[child];
            parent = child;
        }
        heap[parent] = key;
    }
}
