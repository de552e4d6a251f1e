package io.streamsynth.bench.spec;

import ai.djl.Device;
import io.streamsynth.bench.step.BatchShape;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.model.data.ImageRejectedException;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the job does per image for one catalog spec, ready to be timed: training (restore the stored
 * S x S square, training crop, normalise, one step on a P x K batch) and embedding on arrival
 * (decode the event's image bytes, resize to the stored square and store it, center crop,
 * normalise, one forward pass over the batch). Both on the catalog's own images: grey 28x28 PNGs
 * for a grey spec, the RGB product shots for an RGB one.
 */
public final class SpecWorkload implements AutoCloseable {
    private final Preprocessing preprocessing;
    private final ImageDecoder decoder;
    private final EmbeddingModel model;
    private final TrainingStep step;
    private final List<byte[]> encoded;
    private final List<byte[]> stored = new ArrayList<>();
    private final int[] labels;
    private final int embedBatch;
    private final Random random = new Random(5);

    /**
     * @param encoded    the images as events carry them; the first P x K are the training batch (their
     *                   labels i / K), the first {@code embedBatch} (cycled) the embedding batch
     * @param network    the architecture's kind and head; its channels and input size come from the spec
     */
    public SpecWorkload(ImageSpec spec, Architecture network, List<byte[]> encoded, BatchShape batch, int embedBatch,
            Device device) throws ImageRejectedException {
        this.preprocessing = new Preprocessing(spec);
        this.decoder = new ImageDecoder(new ImageLimits(1 << 22, 4096, 4096), spec.channels(), spec.background());
        this.encoded = List.copyOf(encoded);
        this.embedBatch = embedBatch;
        Architecture architecture = new Architecture(network.kind(), spec.channels(), spec.crop(), spec.crop(),
                network.embeddingSize(), network.baseFilters());
        this.model = new EmbeddingModel(architecture, device, 1);
        this.step = new TrainingStep(model, new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-3f, 0.9f, 0f));
        labels = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            labels[i] = i / batch.samplesPerClass();
            stored.add(preprocessing.store(decoder.decode(this.encoded.get(i % this.encoded.size())).image()));
        }
    }

    /** One training step on the batch, from the stored squares. */
    public void train() {
        int length = preprocessing.spec().inputPixels();
        float[] pixels = new float[labels.length * length];
        for (int i = 0; i < labels.length; i++) {
            DecodedImage square = preprocessing.restore(stored.get(i));
            preprocessing.normalize(preprocessing.forTraining(square, random), pixels, i * length);
        }
        step.run(pixels, labels);
    }

    /** One batch of items embedded on arrival, from their encoded bytes. */
    public void embed() {
        int length = preprocessing.spec().inputPixels();
        float[] pixels = new float[embedBatch * length];
        for (int i = 0; i < embedBatch; i++) {
            try {
                byte[] kept = preprocessing.store(decoder.decode(encoded.get(i % encoded.size())).image());
                preprocessing.normalize(preprocessing.forEmbedding(preprocessing.restore(kept)), pixels, i * length);
            } catch (ImageRejectedException e) {
                throw new IllegalStateException("a benchmark image stopped decoding: " + e.getMessage(), e);
            }
        }
        model.embed(pixels, embedBatch);
    }

    public int trainingBatch() {
        return labels.length;
    }

    public int embeddingBatch() {
        return embedBatch;
    }

    @Override
    public void close() {
        step.close();
        model.close();
    }
}
