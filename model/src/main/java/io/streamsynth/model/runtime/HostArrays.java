package io.streamsynth.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies Java arrays into arrays that own their memory.
 *
 * <p>DJL 0.36's PyTorch engine builds an array from a Java buffer with {@code torch.from_blob} and
 * keeps no reference to the direct buffer behind it, so once the garbage collector frees that
 * buffer the array reads freed memory (seen here as NaN gradients in the first convolution, whose
 * backward pass reads the input images). We hold the buffer ourselves until PyTorch has copied it.
 */
public final class HostArrays {
    private HostArrays() {}

    public static NDArray floats(NDManager manager, float[] data, Shape shape) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder());
        buffer.asFloatBuffer().put(data);
        return owned(manager, buffer, shape, DataType.FLOAT32);
    }

    public static NDArray ints(NDManager manager, int[] data, Shape shape) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length * Integer.BYTES).order(ByteOrder.nativeOrder());
        buffer.asIntBuffer().put(data);
        return owned(manager, buffer, shape, DataType.INT32);
    }

    public static NDArray ints(NDManager manager, int[] data) {
        return ints(manager, data, new Shape(data.length));
    }

    private static NDArray owned(NDManager manager, ByteBuffer buffer, Shape shape, DataType type) {
        try (NDArray borrowed = manager.create(buffer, shape, type)) {
            return borrowed.duplicate();
        } finally {
            Reference.reachabilityFence(buffer);
        }
    }
}
