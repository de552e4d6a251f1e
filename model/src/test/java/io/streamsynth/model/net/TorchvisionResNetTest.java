package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.model.train.EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our resnet18/50 against torchvision 0.14's, with the fixtures of
 * src/test/resources/backbone/make_resnet_fixtures.py (random weights, 64 x 64 inputs).
 */
class TorchvisionResNetTest {
    @Test
    void resnet18HasTorchvisionsParameterNamesShapesAndOrder() throws IOException {
        try (EmbeddingModel m = new EmbeddingModel(TorchvisionFixtures.resnet(Architecture.Kind.RESNET18, 1000), Device.cpu(), 1)) {
            assertThat(ourNamesAndShapes(m)).containsExactlyElementsOf(torchvisionNamesAndShapes("resnet18"));
        }
    }

    @Test
    void resnet50HasTorchvisionsParameterNamesShapesAndOrder() throws IOException {
        try (EmbeddingModel m = new EmbeddingModel(TorchvisionFixtures.resnet(Architecture.Kind.RESNET50, 1000), Device.cpu(), 1)) {
            assertThat(ourNamesAndShapes(m)).containsExactlyElementsOf(torchvisionNamesAndShapes("resnet50"));
        }
    }

    @Test
    void resnet18WithTorchvisionsWeightsGivesTorchvisionsFeaturesAndEmbeddings() throws IOException {
        SafeTensors.Contents weights = SafeTensors.read(TorchvisionFixtures.resnet18Weights());
        SafeTensors.Contents reference = TorchvisionFixtures.resnet18Reference();
        Tensor input = reference.tensor("input");
        try (EmbeddingModel m = new EmbeddingModel(TorchvisionFixtures.resnet(Architecture.Kind.RESNET18, 1000), Device.cpu(), 1);
                NDManager scratch = m.manager().newSubManager()) {
            m.importWeights(weights.tensors());
            NDArray images = HostArrays.floats(scratch, input.data(), new Shape(input.shape()));
            float[] features = NoGrad.call(() -> m.features(images).toFloatArray());
            float[] embeddings = NoGrad.call(() -> m.forward(images, false).toFloatArray());

            TorchvisionFixtures.assertClose(features, reference.tensor("features").data(), 1e-4);
            TorchvisionFixtures.assertClose(embeddings, reference.tensor("embeddings").data(), 1e-4);
        }
    }

    /** ResNet-50's block, with the stride on its 3x3 convolution and a downsample branch, against torchvision's. */
    @Test
    void bottleneckWithDownsampleComputesWhatTorchvisionsDoes() throws IOException {
        SafeTensors.Contents fixture;
        try (InputStream in = TorchvisionFixtures.resource("bottleneck.safetensors")) {
            fixture = SafeTensors.read(in.readAllBytes());
        }
        Tensor input = fixture.tensor("input");
        NamedSequential root = new NamedSequential().then("block", new ResidualBlock(true, 32, 16, 2));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            root.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(input.shape()));
            Map<String, Parameter> params = TorchNames.of(root);
            assertThat(params.keySet()).containsExactlyElementsOf(fixture.tensors().keySet().stream()
                    .filter(n -> n.startsWith("block.")).toList());
            params.forEach((name, p) -> {
                Tensor t = fixture.tensor(name);
                assertThat(p.getArray().getShape()).as(name).isEqualTo(new Shape(t.shape()));
                p.getArray().set(java.nio.FloatBuffer.wrap(t.data()));
            });
            NDArray x = manager.create(input.data(), new Shape(input.shape()));
            NDArray y = root.forward(new ai.djl.training.ParameterStore(manager, false), new ai.djl.ndarray.NDList(x),
                    false).singletonOrThrow();

            assertThat(y.getShape()).isEqualTo(new Shape(2, 64, 5, 5));
            TorchvisionFixtures.assertClose(y.toFloatArray(), fixture.tensor("output").data(), 1e-4);
        }
    }

    @Test
    void cnnHasPyTorchStyleNames() {
        try (EmbeddingModel m = new EmbeddingModel(new Architecture(Architecture.Kind.CNN, 1, 16, 16, 8, 4),
                Device.cpu(), 1)) {
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                expected.add("conv" + i + ".weight");
                for (String s : new String[] {"weight", "bias", "running_mean", "running_var"}) {
                    expected.add("bn" + i + "." + s);
                }
            }
            expected.add("fc.weight");
            expected.add("fc.bias");
            assertThat(m.exportWeights().keySet()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void gemPoolingAddsItsExponentToTheHeadStartingAtThree() {
        Architecture gem = TorchvisionFixtures.resnet(Architecture.Kind.RESNET18, 8).withPooling(Architecture.Pooling.GEM);
        try (EmbeddingModel m = new EmbeddingModel(gem, Device.cpu(), 1)) {
            Map<String, Tensor> w = m.exportWeights();
            assertThat(w.get("avgpool.p").data()).containsExactly(3f);
            assertThat(EmbeddingNet.isHead("avgpool.p")).isTrue();
            assertThat(EmbeddingNet.isHead("layer4.1.bn2.weight")).isFalse();
        }
    }

    @Test
    void gemPoolingIsThePowerMeanOfEachChannel() {
        GeneralizedMeanPool gem = new GeneralizedMeanPool();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            gem.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2, 1, 2));
            // channel 0: 1 and 2, channel 1: 0 (clamped to 1e-6) and 3
            NDArray x = manager.create(new float[] {1, 2, 0, 3}, new Shape(1, 2, 1, 2));
            float[] y = gem.forward(new ai.djl.training.ParameterStore(manager, false), new ai.djl.ndarray.NDList(x),
                    false).singletonOrThrow().toFloatArray();

            assertThat(y[0]).isCloseTo((float) Math.cbrt(4.5), within(1e-5f));
            assertThat(y[1]).isCloseTo((float) Math.cbrt(13.5), within(1e-5f));
        }
    }

    @Test
    void weightsWithDjlNamesFromEarlierCheckpointsLoadByPosition() {
        Architecture small = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 8, 4);
        try (EmbeddingModel a = new EmbeddingModel(small, Device.cpu(), 1);
                EmbeddingModel b = new EmbeddingModel(small, Device.cpu(), 2)) {
            Map<String, Tensor> legacy = new LinkedHashMap<>();
            int[] i = {0};
            a.exportWeights().forEach((name, t) -> legacy.put(String.format("%02dSequentialBlock_%s", ++i[0],
                    name.replace('.', '_')), t));
            b.importWeights(legacy);
            assertThat(b.exportWeights()).isEqualTo(a.exportWeights());
        }
    }

    @Test
    void batchNormTrainsItsRunningStatisticsWithPyTorchsMomentum() {
        BatchNorm2d bn = new BatchNorm2d();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            bn.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 1, 1, 2));
            // one channel, values 1, 3, 5, 7: mean 4, unbiased variance 20/3
            NDArray x = manager.create(new float[] {1, 3, 5, 7}, new Shape(2, 1, 1, 2));
            NDArray y = bn.forward(new ai.djl.training.ParameterStore(manager, false), new ai.djl.ndarray.NDList(x),
                    true).singletonOrThrow();
            Map<String, Parameter> p = new LinkedHashMap<>();
            bn.getDirectParameters().forEach(e -> p.put(e.getKey(), e.getValue()));

            assertThat(p.get("running_mean").getArray().getFloat(0)).isCloseTo(0.4f, within(1e-6f));
            assertThat(p.get("running_var").getArray().getFloat(0)).isCloseTo(0.9f + 0.1f * 20f / 3f, within(1e-5f));
            // normalised with the batch's biased variance 5 and epsilon 1e-5
            assertThat(y.getFloat(0, 0, 0, 0)).isCloseTo((float) (-3 / Math.sqrt(5 + 1e-5)), within(1e-5f));
        }
    }

    private static List<String> torchvisionNamesAndShapes(String arch) throws IOException {
        JsonNode list;
        try (InputStream in = TorchvisionFixtures.resource(arch + "_names.json")) {
            list = new ObjectMapper().readTree(in);
        }
        List<String> out = new ArrayList<>();
        list.forEach(e -> out.add(e.get("name").asText() + " " + e.get("shape")));
        return out;
    }

    private static List<String> ourNamesAndShapes(EmbeddingModel m) {
        List<String> out = new ArrayList<>();
        for (Pair<String, Parameter> p : m.parameters()) {
            out.add(p.getKey() + " " + p.getValue().getArray().getShape().toString().replace("(", "[")
                    .replace(")", "]").replace(", ", ","));
        }
        return out;
    }
}
