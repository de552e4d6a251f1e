package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void scalarShapeHoldsExactlyOneElement() {
        Tensor scalar = new Tensor(new long[0], new float[] {3f});

        assertThat(scalar.rank()).isZero();
        assertThat(scalar).isEqualTo(Tensor.scalar(3f));
    }

    @Test
    void zeroDimensionMakesAnEmptyTensor() {
        Tensor empty = new Tensor(new long[] {4, 0}, new float[0]);

        assertThat(empty.data()).isEmpty();
    }

    @Test
    void rejectsDataThatDoesNotMatchTheShape() {
        assertThatThrownBy(() -> new Tensor(new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3] holds 6 elements but data has 5");
    }

    @Test
    void rejectsNegativeDimensions() {
        assertThatThrownBy(() -> new Tensor(new long[] {-1}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension -1");
    }

    @Test
    void rejectsShapesWhoseElementCountOverflows() {
        assertThatThrownBy(() -> new Tensor(new long[] {Long.MAX_VALUE, 2}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many elements");
    }

    @Test
    void equalityComparesShapeAndContents() {
        Tensor a = new Tensor(new long[] {2}, new float[] {1f, 2f});

        assertThat(a).isEqualTo(new Tensor(new long[] {2}, new float[] {1f, 2f}));
        assertThat(a).hasSameHashCodeAs(new Tensor(new long[] {2}, new float[] {1f, 2f}));
        assertThat(a).isNotEqualTo(new Tensor(new long[] {1, 2}, new float[] {1f, 2f}));
        assertThat(a).isNotEqualTo(new Tensor(new long[] {2}, new float[] {1f, 3f}));
    }

    @Test
    void shapeCannotBeChangedFromOutside() {
        long[] shape = {2};
        Tensor tensor = new Tensor(shape, new float[2]);

        shape[0] = 7;
        tensor.shape()[0] = 9;

        assertThat(tensor.shape()).containsExactly(2);
    }
}
