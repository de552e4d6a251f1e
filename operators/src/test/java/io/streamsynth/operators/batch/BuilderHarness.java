package io.streamsynth.operators.batch;

import io.streamsynth.operators.metrics.RecordedMetrics;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * {@link ClassBalancedBatchBuilder} in Flink's keyed operator test harness, with Kryo disabled
 * (as {@code pipeline.generic-types: false} would) so that any state falling back to a generic
 * serializer fails, and with a metric group that keeps what the operator registers.
 */
final class BuilderHarness implements AutoCloseable {
    private final KeyedOneInputStreamOperatorTestHarness<String, ImageSample, TrainerInput> harness;
    private final ClassBalancedBatchBuilder operator;
    private final MockEnvironment environment;
    /** Keeps the per-catalog metrics too, under their bare names (the tests read one catalog's). */
    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup() {
        @Override
        public org.apache.flink.metrics.MetricGroup addGroup(String key, String value) {
            return this;
        }
    };
    private final List<String> announcements = new ArrayList<>();

    private BuilderHarness(BatchPolicy policy, StateBackend backend, OperatorSubtaskState restoreFrom,
            TaskMetricGroup taskMetrics) throws Exception {
        environment = new MockEnvironmentBuilder()
                .setExecutionConfig(executionConfigWithoutGenericTypes())
                .setMetricGroup(taskMetrics != null ? taskMetrics : new InterceptingTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name,
                            Map<String, String> info) {
                        return metrics;
                    }
                })
                .setMaxParallelism(128)
                .build();
        operator = new ClassBalancedBatchBuilder(policy);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, s -> s.catalog, Types.STRING, environment);
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    static BuilderHarness start(BatchPolicy policy) throws Exception {
        return new BuilderHarness(policy, null, null, null);
    }

    /** A builder whose metrics, per-catalog groups included, go to {@code metrics} (not {@link #metric}). */
    static BuilderHarness start(BatchPolicy policy, RecordedMetrics metrics) throws Exception {
        return new BuilderHarness(policy, null, null, metrics.taskGroup());
    }

    static BuilderHarness start(BatchPolicy policy, StateBackend backend) throws Exception {
        return new BuilderHarness(policy, backend, null, null);
    }

    static BuilderHarness restore(BatchPolicy policy, StateBackend backend, OperatorSubtaskState snapshot)
            throws Exception {
        return new BuilderHarness(policy, backend, snapshot, null);
    }

    static ExecutionConfig executionConfigWithoutGenericTypes() {
        ExecutionConfig config = new ExecutionConfig();
        ((SerializerConfigImpl) config.getSerializerConfig()).setGenericTypes(false);
        return config;
    }

    /**
     * Sends one sample and returns what it made the builder emit for training (batches, held-out
     * samples, deletes); announcements of new catalogs are kept apart, see {@link #announcements()}.
     */
    List<TrainerInput> send(ImageSample sample) throws Exception {
        harness.processElement(sample, 0L);
        List<TrainerInput> emitted = new ArrayList<>();
        for (TrainerInput in : harness.extractOutputValues()) {
            if (in.kind == TrainerInput.CATALOG_SEEN) {
                announcements.add(in.catalog);
            } else {
                emitted.add(in);
            }
        }
        harness.getOutput().clear();
        return emitted;
    }

    /** The catalogs announced to the trainer ({@link TrainerInput#CATALOG_SEEN}) so far, in order. */
    List<String> announcements() {
        return announcements;
    }

    /** Sends samples in order and returns everything they made the builder emit. */
    List<TrainerInput> sendAll(List<ImageSample> samples) throws Exception {
        List<TrainerInput> emitted = new ArrayList<>();
        for (ImageSample sample : samples) {
            emitted.addAll(send(sample));
        }
        return emitted;
    }

    void setProcessingTime(long millis) throws Exception {
        harness.setProcessingTime(millis);
    }

    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        return harness.snapshot(checkpointId, checkpointId);
    }

    Metric metric(String name) {
        return metrics.get(name);
    }

    /** The catalog's index as the builder works with it: on its heap, or in state before first use. */
    CatalogIndex index(String catalog) throws Exception {
        return operator.indexOf(catalog);
    }

    /** The catalog's index as keyed state holds it, which only a snapshot brings up to date. */
    CatalogIndex storedIndex(String catalog) throws Exception {
        operator.setCurrentKey(catalog);
        ValueState<CatalogIndex> state = operator.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, ClassBalancedBatchBuilder.indexState());
        return copy(ClassBalancedBatchBuilder.INDEX_TYPE, state.value());
    }

    ClassSlots slots(String catalog, String label) throws Exception {
        operator.setCurrentKey(catalog);
        MapState<String, ClassSlots> state = operator.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, ClassBalancedBatchBuilder.slotsState());
        return copy(ClassBalancedBatchBuilder.SLOTS_TYPE, state.get(label));
    }

    private static <T> T copy(TypeInformation<T> type, T value) {
        return value == null ? null : type.createSerializer(new SerializerConfigImpl()).copy(value);
    }

    int pixelEntries(String catalog) throws Exception {
        operator.setCurrentKey(catalog);
        MapState<String, byte[]> state = operator.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, ClassBalancedBatchBuilder.pixelsState());
        int n = 0;
        for (String ignored : state.keys()) {
            n++;
        }
        return n;
    }

    /** Declares no checked exception, so that try-with-resources needs no InterruptedException handling. */
    @Override
    public void close() {
        try {
            harness.close();
            environment.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close the test harness", e);
        }
    }
}
