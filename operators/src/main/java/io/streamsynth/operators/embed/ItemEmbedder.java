package io.streamsynth.operators.embed;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The embedder, keyed by item: keeps each item's image in keyed state, embeds a new item with its
 * catalog's newest model, and re-embeds every stored item of a catalog when a new version of its
 * model arrives on the broadcast side: one embedding per item per version.
 *
 * <p>New items wait in a small in-memory batch (at most {@code batchSize} items or
 * {@code maxDelay}) so inference runs batched. That batch is operator state: a checkpoint taken
 * while items wait keeps them, and a restored job embeds them, so none is lost or embedded twice.
 */
public final class ItemEmbedder extends KeyedBroadcastProcessFunction<String, ImageSample, ModelRelease, ItemEmbedding>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Newest encoded checkpoint per catalog; broadcast so every subtask holds it. */
    public static final MapStateDescriptor<String, byte[]> MODELS = new MapStateDescriptor<>("models",
            BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    private static final ValueStateDescriptor<ImageSample> ITEM = new ValueStateDescriptor<>("item",
            TypeInformation.of(ImageSample.class));

    private final EmbedderSettings settings;

    private transient ValueState<ImageSample> item;
    private transient ListState<ImageSample> waitingState;
    private transient List<ImageSample> waiting;
    private transient CatalogModels models;
    private transient Counter itemsStored;
    private transient Counter embeddings;
    private transient long lastReembedMillis;

    public ItemEmbedder(EmbedderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        waitingState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("waiting-items",
                TypeInformation.of(ImageSample.class)));
        waiting = new ArrayList<>();
        for (ImageSample s : waitingState.get()) {
            waiting.add(s);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        waitingState.update(waiting);
    }

    @Override
    public void open(OpenContext openContext) {
        item = getRuntimeContext().getState(ITEM);
        ai.djl.Device device = settings.device().resolve();
        org.slf4j.LoggerFactory.getLogger(ItemEmbedder.class).info("embedding on {} (requested {})", device,
                settings.device());
        models = new CatalogModels(device);
        var g = getRuntimeContext().getMetricGroup();
        itemsStored = g.counter("itemsStored");
        embeddings = g.counter("embeddingsOut");
        g.meter("embeddingsPerSecond", new MeterView(embeddings));
        g.gauge("embeddingLag", (Gauge<Integer>) () -> waiting.size());
        g.gauge("lastReembedMillis", (Gauge<Long>) () -> lastReembedMillis);
    }

    @Override
    public void processElement(ImageSample sample, ReadOnlyContext ctx, Collector<ItemEmbedding> out)
            throws Exception {
        if (item.value() == null) {
            itemsStored.inc();
        }
        item.update(sample);
        byte[] newest = ctx.getBroadcastState(MODELS).get(sample.catalog);
        if (newest == null) {
            return; // embedded by the re-embedding pass when the catalog's first model arrives
        }
        waiting.add(sample);
        if (waiting.size() >= settings.batchSize()) {
            flush(out, ctx.getBroadcastState(MODELS));
        } else {
            long now = ctx.timerService().currentProcessingTime();
            ctx.timerService().registerProcessingTimeTimer(now + settings.maxDelay().toMillis());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemEmbedding> out) throws Exception {
        flush(out, ctx.getBroadcastState(MODELS));
    }

    @Override
    public void processBroadcastElement(ModelRelease release, Context ctx, Collector<ItemEmbedding> out)
            throws Exception {
        BroadcastState<String, byte[]> state = ctx.getBroadcastState(MODELS);
        CatalogModels.Loaded current = models.get(release.catalog);
        if (current == null && state.get(release.catalog) != null) {
            models.load(release.catalog, state.get(release.catalog));
            current = models.get(release.catalog);
        }
        if (current != null && current.version() >= release.version) {
            return;
        }
        // items waiting for the previous version get it, so each version covers every item it saw
        flush(out, state);
        state.put(release.catalog, release.checkpoint);
        models.load(release.catalog, release.checkpoint);
        CatalogModels.Loaded loaded = models.get(release.catalog);
        long start = System.nanoTime();
        List<ImageSample> batch = new ArrayList<>(settings.batchSize());
        ctx.applyToKeyedState(ITEM, (key, itemState) -> {
            ImageSample s = itemState.value();
            if (s != null && s.catalog.equals(release.catalog)) {
                batch.add(s);
                if (batch.size() >= settings.batchSize()) {
                    emit(CatalogModels.embed(loaded, batch, settings.batchSize()), out);
                    batch.clear();
                }
            }
        });
        if (!batch.isEmpty()) {
            emit(CatalogModels.embed(loaded, batch, settings.batchSize()), out);
        }
        lastReembedMillis = (System.nanoTime() - start) / 1_000_000;
    }

    private void flush(Collector<ItemEmbedding> out, ReadOnlyBroadcastState<String, byte[]> newest)
            throws Exception {
        if (waiting.isEmpty()) {
            return;
        }
        for (ImageSample s : waiting) {
            if (models.get(s.catalog) == null) {
                models.load(s.catalog, newest.get(s.catalog)); // after a restore the broadcast state is all we have
            }
        }
        Map<String, List<ImageSample>> byCatalog = new LinkedHashMap<>();
        for (ImageSample s : waiting) {
            byCatalog.computeIfAbsent(s.catalog, c -> new ArrayList<>()).add(s);
        }
        waiting.clear();
        byCatalog.forEach((catalog, items) ->
                emit(CatalogModels.embed(models.get(catalog), items, settings.batchSize()), out));
    }

    private void emit(List<ItemEmbedding> list, Collector<ItemEmbedding> out) {
        list.forEach(out::collect);
        embeddings.inc(list.size());
    }

    @Override
    public void close() {
        if (models != null) {
            models.close();
        }
    }
}
