package io.streamsynth.pipeline.job;

import io.streamsynth.operators.batch.ClassBalancedBatchBuilder;
import io.streamsynth.operators.decode.DecodeEvents;
import io.streamsynth.operators.dedup.DropDuplicateEvents;
import io.streamsynth.operators.embed.ItemEmbedder;
import io.streamsynth.operators.kafka.CheckpointChunkSerializer;
import io.streamsynth.operators.kafka.ChunkCheckpoints;
import io.streamsynth.operators.kafka.DeadLetterSerializer;
import io.streamsynth.operators.kafka.EmbeddingSerializer;
import io.streamsynth.operators.kafka.RawEventDeserializer;
import io.streamsynth.operators.kafka.VersionMarkerSerializer;
import io.streamsynth.operators.settings.CatalogSettingsResolver;
import io.streamsynth.operators.train.TrainerOperator;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.RawEvent;
import io.streamsynth.operators.types.TrainerInput;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.operators.versions.VersionMarkers;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Wires the job graph drawn in the README ("Data flow"): decode (with the catalogs topic's settings
 * broadcast to it), drop duplicates, batch, train, embed, join the embedder's version reports into
 * markers, and the four exactly-once Kafka sinks.
 */
public final class StreamsynthJob {
    private StreamsynthJob() {}

    public static void build(StreamExecutionEnvironment env, JobConfig c) {
        build(env, c, true);
    }

    /**
     * The job graph; without the embedder only for benchmarks that separate the trainer's
     * throughput from the embedder's competition for the same cores.
     */
    public static void build(StreamExecutionEnvironment env, JobConfig c, boolean withEmbedder) {
        build(env, c, withEmbedder, SlotGroups.shared());
    }

    /** The job graph with the trainer and the embedder in the given slot-sharing groups. */
    public static void build(StreamExecutionEnvironment env, JobConfig c, boolean withEmbedder, SlotGroups groups) {
        env.enableCheckpointing(c.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        KafkaSource<RawEvent> source = KafkaSource.<RawEvent>builder()
                .setBootstrapServers(c.bootstrapServers())
                .setProperties(c.kafkaProperties())
                .setTopics(c.topics().images())
                .setGroupId(c.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawEventDeserializer())
                .setProperty("isolation.level", "read_committed")
                .build();
        DataStream<RawEvent> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "images")
                .uid("images-source");

        // Per-catalog settings: every record from the topic's beginning (a compacted topic holds each
        // catalog's newest), into the decoder's broadcast state; the decoder stamps each sample with its
        // catalog's settings, so the builder and trainer downstream see a change in order with the data.
        KafkaSource<RawEvent> settingsSource = KafkaSource.<RawEvent>builder()
                .setBootstrapServers(c.bootstrapServers())
                .setProperties(c.kafkaProperties())
                .setTopics(c.topics().catalogs())
                .setGroupId(c.groupId() + "-catalogs")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawEventDeserializer())
                .setProperty("isolation.level", "read_committed")
                .build();
        DataStream<RawEvent> settingsRecords = env.fromSource(settingsSource, WatermarkStrategy.noWatermarks(),
                "catalogs").uid("catalogs-source").setParallelism(1);
        CatalogSettingsResolver catalogs = c.catalogs();

        SingleOutputStreamOperator<ImageSample> decoded = raw
                .connect(settingsRecords.broadcast(DecodeEvents.CATALOG_SETTINGS))
                .process(new DecodeEvents(c.limits(), catalogs))
                .name("decode+validate").uid("decode");
        // Keyed by item, the partitioning the embedder needs anyway: the sample crosses the network
        // once on its way there (with its raw record when it has an event_id, see DropDuplicateEvents).
        SingleOutputStreamOperator<ImageSample> samples = decoded
                .keyBy(ImageSample::itemKey, Types.STRING)
                .process(new DropDuplicateEvents(c.duplicates()))
                .name("drop duplicates").uid("duplicates");
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DecodeEvents.DEAD_LETTERS)
                .union(samples.getSideOutput(DropDuplicateEvents.DEAD_LETTERS));

        DataStream<TrainerInput> batches = samples
                .keyBy(s -> s.catalog, Types.STRING)
                .transform("batch builder", TypeInformation.of(TrainerInput.class),
                        new ClassBalancedBatchBuilder(catalogs))
                .uid("batch-builder").slotSharingGroup(groups.trainer());

        // the batch builder emits each input under the catalog it is keyed by, on the trainer's
        // parallelism: the stream is still partitioned by catalog, so a second keyBy would only
        // hash and ship every batch again (the two now chain into one task)
        SingleOutputStreamOperator<ModelRelease> releases = DataStreamUtils
                .reinterpretAsKeyedStream(batches, b -> b.catalog, Types.STRING)
                .transform("trainer", TypeInformation.of(ModelRelease.class), new TrainerOperator(catalogs, c.publishWhenIdle()))
                .uid("trainer").slotSharingGroup(groups.trainer());

        releases.flatMap(new ChunkCheckpoints(c.maxChunkBytes())).name("checkpoint chunks").uid("chunks")
                .sinkTo(sink(c, "checkpoints", new CheckpointChunkSerializer(c.topics().checkpoints())))
                .name("checkpoints sink").uid("checkpoints-sink");
        if (withEmbedder) {
            SingleOutputStreamOperator<ItemEmbedding> embeddings = DataStreamUtils
                    .reinterpretAsKeyedStream(samples, ImageSample::itemKey, Types.STRING)
                    // only promoted versions are served: a candidate the gate held back is on the
                    // checkpoints topic but never re-embeds the catalog; the embedder only runs the
                    // model, so its copy leaves out the optimizer state (two thirds of the bytes under Adam)
                    .connect(releases.filter(ModelRelease::isPromoted).name("promoted versions")
                            .uid("promoted-releases")
                            .map(ModelRelease::weightsOnly).name("weights only").uid("weights-only-releases")
                            .broadcast())
                    .transform("embedder", TypeInformation.of(ItemEmbedding.class), new ItemEmbedder(c.embedder()))
                    .uid("embedder").slotSharingGroup(groups.embedder());
            embeddings.sinkTo(sink(c, "embeddings", new EmbeddingSerializer(c.topics().embeddings())))
                    .name("embeddings sink").uid("embeddings-sink");
            // items a served model embedded to NaN or an infinity (never on the embeddings topic)
            deadLetters = deadLetters.union(embeddings.getSideOutput(ItemEmbedder.DEAD_LETTERS));
            // one aggregator is plenty (a report per subtask and version); keyed by catalog, so its
            // state would spread if it ever needed more
            embeddings.getSideOutput(ItemEmbedder.VERSION_PROGRESS)
                    .keyBy(p -> p.catalog, Types.STRING)
                    .process(new VersionMarkers(), TypeInformation.of(VersionMarker.class))
                    .name("version markers").uid("version-markers").setParallelism(1)
                    .sinkTo(sink(c, "versions", new VersionMarkerSerializer(c.topics().versions())))
                    .name("versions sink").uid("versions-sink").setParallelism(1);
        }
        deadLetters.sinkTo(sink(c, "dead-letters", new DeadLetterSerializer(c.topics().deadLetters())))
                .name("dead-letter sink").uid("dead-letters-sink");
    }

    private static <T> KafkaSink<T> sink(JobConfig c, String name, KafkaRecordSerializationSchema<T> serializer) {
        Properties producer = SinkProducerSettings.of(c);
        return KafkaSink.<T>builder()
                .setBootstrapServers(c.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(c.transactionalIdPrefix() + "-" + name)
                .build();
    }
}
