package io.streamsynth.bench.job;

import io.streamsynth.operators.types.ImageSample;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each item's sample in keyed state exactly as the embedder does (a
 * {@code ValueState<ImageSample>} keyed by item, same serializer), without the model: the bench
 * measures what storing items costs, not embedding them.
 */
final class StoreItems extends KeyedProcessFunction<String, ImageSample, Void> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<ImageSample> item;

    @Override
    public void open(OpenContext openContext) {
        item = getRuntimeContext().getState(new ValueStateDescriptor<>("item", TypeInformation.of(ImageSample.class)));
    }

    @Override
    public void processElement(ImageSample sample, Context ctx, Collector<Void> out) throws Exception {
        item.update(sample);
    }
}
