package io.streamsynth.model.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a busy training loop does to native memory between a forward and a backward pass, in a
 * moment: the garbage collector runs (freeing direct buffers nobody references) and small native
 * allocations reuse the freed memory, here filled with a value no step would compute (1e4), so a
 * backward pass that reads freed memory computes a visibly wrong gradient.
 */
public final class GcPressure {
    private static final int ROUNDS = 3;
    private static final int SMALL_BUFFERS = 2000;

    private GcPressure() {}

    /** Runs the collector and reuses freed native memory; the returned buffers must stay reachable until backward. */
    public static List<ByteBuffer> apply() {
        List<ByteBuffer> held = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            System.gc();
            try {
                Thread.sleep(30); // the Cleaner thread frees the collected buffers' memory
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return held;
            }
            for (int i = 0; i < SMALL_BUFFERS; i++) {
                held.add(ByteBuffer.allocateDirect(4 << (i % 3)).order(ByteOrder.nativeOrder()).putFloat(0, 1e4f));
            }
        }
        return held;
    }
}
