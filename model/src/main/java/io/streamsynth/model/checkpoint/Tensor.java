package io.streamsynth.model.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor in row-major order, as stored in a checkpoint.
 *
 * <p>An empty shape ({@code []}) is a scalar holding exactly one element; any zero dimension makes
 * the tensor empty. The shape is copied on construction, but {@code data} is kept as given: weight
 * tensors can be large and copying them on every hand-over would double peak memory, so callers
 * must not mutate the array after constructing a tensor from it.
 *
 * <p>Equality compares shape and contents, so tensors can be compared directly in tests and when
 * checking round trips.
 */
public record Tensor(long[] shape, float[] data) {

    public Tensor {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long elements = elementCount(shape);
        if (elements != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elements
                    + " elements but data has " + data.length);
        }
    }

    /** A rank-0 tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new long[0], new float[] {value});
    }

    /** A rank-1 tensor whose length is the length of {@code values}. */
    public static Tensor vector(float... values) {
        return new Tensor(new long[] {values.length}, values);
    }

    /**
     * Number of elements a tensor of this shape holds.
     *
     * @throws IllegalArgumentException for a negative dimension, or when the count overflows a long
     */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            long dim = shape[axis];
            if (dim < 0) {
                throw new IllegalArgumentException(
                        "negative dimension " + dim + " at axis " + axis + " of shape " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
            }
        }
        return count;
    }

    /** Returns a copy, so the tensor's shape cannot be changed from outside. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor that
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** Shows values only for tiny tensors; printing every weight would flood logs and test failures. */
    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (data.length <= 8 ? Arrays.toString(data) : "");
    }
}
