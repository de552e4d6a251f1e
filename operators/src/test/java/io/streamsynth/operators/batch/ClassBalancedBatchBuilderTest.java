package io.streamsynth.operators.batch;

import static io.streamsynth.operators.batch.TestSamples.heldOut;
import static io.streamsynth.operators.batch.TestSamples.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ClassBalancedBatchBuilderTest {

    private static List<TrainerInput> batches(List<TrainerInput> outputs) {
        return outputs.stream().filter(o -> o.kind == TrainerInput.BATCH).collect(Collectors.toList());
    }

    private static long count(BuilderHarness harness, String counter) {
        return ((Counter) harness.metric(counter)).getCount();
    }

    private static Number gauge(BuilderHarness harness, String gauge) {
        return (Number) ((Gauge<?>) harness.metric(gauge)).getValue();
    }

    @Test
    void everyBatchHoldsPDistinctClassesOfKSamplesInClassMajorOrder() throws Exception {
        int p = 3;
        int k = 4;
        Map<Integer, String> labelOf = new HashMap<>();
        Random stream = new Random(5);
        List<TrainerInput> outputs = new ArrayList<>();
        try (BuilderHarness harness = BuilderHarness.start(BatchPolicy.of(p, k, 11L))) {
            for (int id = 0; id < 2000; id++) {
                // Skewed: class-0 is far more frequent than class-5.
                double r = stream.nextDouble();
                String label = "class-" + (int) (6 * r * r);
                labelOf.put(id, label);
                outputs.addAll(harness.send(train("shop", label, id)));
            }
        }

        assertThat(outputs).hasSizeGreaterThan(100).allSatisfy(o -> assertThat(o.kind).isEqualTo(TrainerInput.BATCH));
        for (TrainerInput batch : outputs) {
            assertThat(batch.catalog).isEqualTo("shop");
            assertThat(new int[] {batch.channels, batch.height, batch.width}).containsExactly(1, 4, 4);
            assertThat(batch.labels).hasSize(p * k);
            assertThat(batch.pixels).hasSize(p * k * TestSamples.BYTES);
            List<String> classes = new ArrayList<>();
            for (int c = 0; c < p; c++) {
                String label = batch.labels[c * k];
                for (int j = 1; j < k; j++) {
                    assertThat(batch.labels[c * k + j]).isEqualTo(label);
                }
                classes.add(label);
            }
            assertThat(classes).doesNotHaveDuplicates();
            List<Integer> ids = TestSamples.ids(batch);
            assertThat(ids).doesNotHaveDuplicates();
            for (int n = 0; n < ids.size(); n++) {
                assertThat(labelOf.get(ids.get(n))).isEqualTo(batch.labels[n]);
            }
            assertThat(batch.freshCount).isPositive();
            assertThat(batch.oldestFreshIngestTime).isPositive();
        }
    }

    @Test
    void aFloodOfOneClassStaysWithinTheClassAndCatalogCaps() throws Exception {
        BatchPolicy policy = BatchPolicy.of(2, 2, 3L).withMaxSamplesPerClass(8).withMaxClasses(5);
        int id = 0;
        try (BuilderHarness harness = BuilderHarness.start(policy)) {
            for (int i = 0; i < 10_000; i++) {
                if (i % 200 == 0) {
                    // 50 other classes over the flood, 3 samples each.
                    for (int j = 0; j < 3; j++) {
                        harness.send(train("shop", "other-" + (i / 200), id++));
                    }
                }
                harness.send(train("shop", "hot", id++));
                assertThat(gauge(harness, "bufferedClasses").intValue()).isLessThanOrEqualTo(5);
                assertThat(gauge(harness, "bufferedSamples").longValue()).isLessThanOrEqualTo(5 * 8);
            }

            CatalogIndex index = harness.index("shop");
            assertThat(index.classes).extracting(c -> c.label)
                    .containsExactlyInAnyOrder("hot", "other-46", "other-47", "other-48", "other-49");
            assertThat(index.find("hot").size).isEqualTo(8);
            ClassSlots hot = harness.slots("shop", "hot");
            assertThat(hot.size).isEqualTo(8);
            assertThat(hot.fresh).hasSize(8);
            // Evicted classes leave no images behind, and the hot class reuses its eight entries.
            assertThat(harness.pixelEntries("shop")).isEqualTo(8 + 4 * 3);
            assertThat(gauge(harness, "bufferedSamples").longValue()).isEqualTo(8 + 4 * 3);
            assertThat(harness.slots("shop", "other-0")).isNull();
            assertThat(count(harness, "classEvictions")).isEqualTo(50 - 4);
        }
    }

    @Test
    void aClassThatNeverReachesKBlocksNoBatchAndEveryFreshSampleIsEventuallyTrained() throws Exception {
        String[] flowing = {"a", "b", "c", "d"};
        Set<Integer> pending = new HashSet<>();
        Set<Integer> trained = new HashSet<>();
        int firstBatchAt = -1;
        try (BuilderHarness harness = BuilderHarness.start(BatchPolicy.of(2, 3, 8L))) {
            harness.send(train("shop", "rare", 900_001));
            harness.send(train("shop", "rare", 900_002));
            int id = 0;
            for (; id < 100; id++) {
                pending.add(id);
                List<TrainerInput> batches = harness.send(train("shop", flowing[id % 4], id));
                if (!batches.isEmpty() && firstBatchAt < 0) {
                    firstBatchAt = id;
                }
                batches.forEach(b -> trained.addAll(TestSamples.ids(b)));
            }
            // The stream keeps flowing until everything from the first phase has been trained.
            for (; id < 500 && !trained.containsAll(pending); id++) {
                harness.send(train("shop", flowing[id % 4], id)).forEach(b -> trained.addAll(TestSamples.ids(b)));
            }
        }

        // Samples 0..9 give a and b (round robin) three samples each: the first batch is due there.
        assertThat(firstBatchAt).isEqualTo(9);
        assertThat(trained).containsAll(pending).doesNotContain(900_001, 900_002);
    }

    @Test
    void heldOutSamplesPassThroughAsHeldOutAndNeverJoinABatch() throws Exception {
        List<ImageSample> sent = new ArrayList<>();
        for (int id = 0; id < 300; id++) {
            ImageSample sample = id % 5 == 0 ? heldOut("shop", "c" + id % 3, id) : train("shop", "c" + id % 3, id);
            // Embed-only items are ignored here, held out or not.
            sample.train = id % 7 != 0;
            sent.add(sample);
        }
        List<Integer> expectedHeldOut = sent.stream().filter(s -> s.train && s.heldOut)
                .map(s -> Integer.parseInt(s.itemId.substring(5))).collect(Collectors.toList());
        Set<Integer> neverTrained = sent.stream().filter(s -> !s.train || s.heldOut)
                .map(s -> Integer.parseInt(s.itemId.substring(5))).collect(Collectors.toSet());

        List<TrainerInput> outputs;
        try (BuilderHarness harness = BuilderHarness.start(BatchPolicy.of(2, 2, 1L))) {
            outputs = harness.sendAll(sent);
            assertThat(count(harness, "heldOutForwarded")).isEqualTo(expectedHeldOut.size());
            assertThat(count(harness, "samplesBuffered")).isEqualTo(300 - neverTrained.size());
        }

        List<TrainerInput> heldOut = outputs.stream().filter(o -> o.kind == TrainerInput.HELD_OUT)
                .collect(Collectors.toList());
        assertThat(heldOut).extracting(o -> o.itemId)
                .containsExactlyElementsOf(expectedHeldOut.stream().map(id -> "item-" + id).collect(Collectors.toList()));
        for (TrainerInput input : heldOut) {
            int id = Integer.parseInt(input.itemId.substring(5));
            assertThat(input.catalog).isEqualTo("shop");
            assertThat(input.labels).containsExactly("c" + id % 3);
            assertThat(input.pixels).isEqualTo(TestSamples.pixels(id));
            assertThat(new int[] {input.channels, input.height, input.width}).containsExactly(1, 4, 4);
        }
        assertThat(batches(outputs)).isNotEmpty()
                .allSatisfy(b -> assertThat(TestSamples.ids(b)).doesNotContainAnyElementsOf(neverTrained));
    }

    @Test
    void catalogsAreBufferedAndBatchedSeparately() throws Exception {
        List<TrainerInput> outputs;
        try (BuilderHarness harness = BuilderHarness.start(BatchPolicy.of(2, 2, 1L))) {
            List<ImageSample> sent = new ArrayList<>();
            for (int id = 0; id < 200; id++) {
                String catalog = id % 2 == 0 ? "shoes" : "bags";
                sent.add(train(catalog, catalog + "-" + id % 3, id));
            }
            outputs = harness.sendAll(sent);
            assertThat(harness.index("shoes").classCount()).isEqualTo(3);
            assertThat(harness.index("bags").classCount()).isEqualTo(3);
        }

        assertThat(outputs).extracting(o -> o.catalog).contains("shoes", "bags");
        assertThat(outputs).allSatisfy(batch -> assertThat(batch.labels).allMatch(l -> l.startsWith(batch.catalog)));
    }

    @Test
    void metricsCountWhatHappenedAndTimeTheWaitOfTheOldestFreshSample() throws Exception {
        try (BuilderHarness harness = BuilderHarness.start(BatchPolicy.of(2, 2, 1L))) {
            harness.setProcessingTime(1_600L);
            harness.send(train("shop", "a", 1, 1_000L));
            harness.send(train("shop", "a", 2, 1_100L));
            harness.send(train("shop", "b", 3, 1_200L));
            harness.send(heldOut("shop", "b", 4));
            ImageSample odd = train("shop", "b", 5, 1_300L);
            odd.height = 2;
            odd.pixels = new byte[8];
            harness.send(odd);
            List<TrainerInput> emitted = harness.send(train("shop", "b", 6, 1_400L));

            assertThat(emitted).hasSize(1);
            assertThat(emitted.get(0).oldestFreshIngestTime).isEqualTo(1_000L);
            assertThat(count(harness, "batchesBuilt")).isEqualTo(1);
            assertThat(count(harness, "samplesBuffered")).isEqualTo(4);
            assertThat(count(harness, "samplesRejected")).isEqualTo(1);
            assertThat(count(harness, "heldOutForwarded")).isEqualTo(1);
            assertThat(count(harness, "classEvictions")).isZero();
            assertThat(gauge(harness, "bufferedClasses").intValue()).isEqualTo(2);
            assertThat(gauge(harness, "bufferedSamples").longValue()).isEqualTo(4);
            Histogram wait = (Histogram) harness.metric("batchBuildWaitMillis");
            assertThat(wait.getCount()).isEqualTo(1);
            assertThat(wait.getStatistics().getMax()).isEqualTo(600L);
        }
    }

    @Test
    void theOperatorSurvivesJavaSerializationAsInAJobGraph() throws Exception {
        ClassBalancedBatchBuilder copy = InstantiationUtil.clone(new ClassBalancedBatchBuilder(BatchPolicy.of(2, 2, 1L)));

        assertThat(copy).isNotNull();
    }

    @Test
    void refusesToBeBuiltWithoutAPolicy() {
        assertThatThrownBy(() -> new ClassBalancedBatchBuilder((BatchPolicy) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy");
    }

    @Test
    void stateAndOutputTypesUseFlinkSerializersNeverKryo() {
        assertThat(ClassBalancedBatchBuilder.INDEX_TYPE).isInstanceOf(PojoTypeInfo.class);
        assertThat(ClassBalancedBatchBuilder.SLOTS_TYPE).isInstanceOf(PojoTypeInfo.class);
        assertNoGenericType(ClassBalancedBatchBuilder.INDEX_TYPE);
        assertNoGenericType(ClassBalancedBatchBuilder.SLOTS_TYPE);
        assertNoGenericType(ClassBalancedBatchBuilder.PIXELS_TYPE);
        assertNoGenericType(TypeInformation.of(TrainerInput.class));
        assertNoGenericType(TypeInformation.of(ImageSample.class));
    }

    @Test
    void theHarnessFailsOnAnyKryoFallbackSoItsTestsProveThereIsNone() {
        GenericTypeInfo<Object> generic = new GenericTypeInfo<>(Object.class);

        assertThatThrownBy(() -> generic.createSerializer(
                BuilderHarness.executionConfigWithoutGenericTypes().getSerializerConfig()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static void assertNoGenericType(TypeInformation<?> type) {
        assertThat(type).isNotInstanceOf(GenericTypeInfo.class);
        if (type instanceof PojoTypeInfo<?> pojo) {
            for (int i = 0; i < pojo.getArity(); i++) {
                assertNoGenericType(pojo.getPojoFieldAt(i).getTypeInformation());
            }
        } else if (type instanceof ObjectArrayTypeInfo<?, ?> array) {
            assertNoGenericType(array.getComponentInfo());
        }
    }
}
