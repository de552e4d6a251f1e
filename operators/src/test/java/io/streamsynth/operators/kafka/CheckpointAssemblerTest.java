package io.streamsynth.operators.kafka;

import static io.streamsynth.operators.kafka.CheckpointChunkerTest.release;
import static io.streamsynth.operators.kafka.ChunkRecords.consumed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.checkpoint.CheckpointIntegrityException;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class CheckpointAssemblerTest {

    private final CheckpointAssembler assembler = new CheckpointAssembler(4);

    @Test
    void assemblesTheCheckpointOnceTheLastChunkArrives() {
        for (int maxChunk : new int[] {1, 64, 333, 1000, 4096}) {
            ModelRelease release = release("fashion", maxChunk, 1000);
            List<ConsumerRecord<byte[], byte[]>> records = consumed(CheckpointChunker.split(release, maxChunk));

            List<AssembledCheckpoint> out = feed(assembler, records);

            assertThat(out).as("chunks of %d bytes", maxChunk).singleElement().satisfies(whole -> {
                assertThat(whole.catalog()).isEqualTo("fashion");
                assertThat(whole.version()).isEqualTo(maxChunk);
                assertThat(whole.bytes()).isEqualTo(release.checkpoint);
            });
        }
    }

    @Test
    void chunksMayArriveInAnyOrder() {
        ModelRelease release = release("fashion", 1, 1000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(consumed(CheckpointChunker.split(release, 90)));
        Collections.shuffle(records, new Random(3));

        assertThat(feed(assembler, records)).singleElement()
                .satisfies(whole -> assertThat(whole.bytes()).isEqualTo(release.checkpoint));
    }

    @Test
    void interleavedVersionsAreEachAssembled() {
        ModelRelease first = release("fashion", 5, 300);
        ModelRelease second = release("fashion", 6, 500);
        ModelRelease otherCatalog = release("shoes", 5, 200);
        List<ConsumerRecord<byte[], byte[]>> records = interleave(List.of(
                consumed(CheckpointChunker.split(first, 100)),
                consumed(CheckpointChunker.split(second, 100)),
                consumed(CheckpointChunker.split(otherCatalog, 100))));

        List<AssembledCheckpoint> out = feed(assembler, records);

        assertThat(out).extracting(whole -> whole.catalog() + " v" + whole.version())
                .containsExactly("shoes v5", "fashion v5", "fashion v6");
        assertThat(out.get(2).bytes()).isEqualTo(second.checkpoint);
    }

    @Test
    void duplicateChunksAndRedeliveredVersionsAreIgnored() {
        ModelRelease release = release("fashion", 2, 300);
        List<ConsumerRecord<byte[], byte[]>> records = consumed(CheckpointChunker.split(release, 100));
        List<ConsumerRecord<byte[], byte[]>> withDuplicates = List.of(records.get(0), records.get(0), records.get(1),
                records.get(1), records.get(2), records.get(2), records.get(0));

        assertThat(feed(assembler, withDuplicates)).hasSize(1);
        assertThat(feed(assembler, records)).as("the whole version again").isEmpty();
    }

    @Test
    void completingANewerVersionDropsOlderIncompleteOnesAndTheirLateChunks() {
        List<ConsumerRecord<byte[], byte[]>> old = consumed(CheckpointChunker.split(release("fashion", 1, 300), 100));
        List<ConsumerRecord<byte[], byte[]>> newer = consumed(CheckpointChunker.split(release("fashion", 2, 300), 100));

        feed(assembler, old.subList(0, 2));
        assertThat(feed(assembler, newer)).extracting(AssembledCheckpoint::version).containsExactly(2L);

        assertThat(feed(assembler, old.subList(2, 3))).isEmpty();
    }

    @Test
    void atMostTheConfiguredNumberOfIncompleteVersionsIsKept() {
        CheckpointAssembler small = new CheckpointAssembler(2);
        List<List<ConsumerRecord<byte[], byte[]>>> versions = new ArrayList<>();
        for (long version = 1; version <= 3; version++) {
            versions.add(consumed(CheckpointChunker.split(release("fashion", version, 200), 100)));
        }
        for (List<ConsumerRecord<byte[], byte[]>> version : versions) {
            feed(small, version.subList(0, 1));
        }

        assertThat(feed(small, versions.get(0).subList(1, 2))).as("version 1 was pushed out").isEmpty();
        assertThat(feed(small, versions.get(1).subList(1, 2))).extracting(AssembledCheckpoint::version)
                .containsExactly(2L);
        assertThat(feed(small, versions.get(2).subList(1, 2))).extracting(AssembledCheckpoint::version)
                .containsExactly(3L);
    }

    @Test
    void tamperedChunkFailsTheIntegrityCheck() {
        ModelRelease release = release("fashion", 9, 300);
        List<CheckpointChunk> chunks = CheckpointChunker.split(release, 100);
        chunks.get(1).bytes = chunks.get(1).bytes.clone();
        chunks.get(1).bytes[5] ^= 1;
        List<ConsumerRecord<byte[], byte[]>> records = consumed(chunks);

        feed(assembler, records.subList(0, 2));
        assertThatThrownBy(() -> assembler.accept(records.get(2)))
                .isInstanceOf(CheckpointIntegrityException.class)
                .hasMessageContaining(chunks.get(0).sha256)
                .hasMessageContaining("checkpoint fashion v9");

        List<ConsumerRecord<byte[], byte[]>> resent = consumed(CheckpointChunker.split(release, 100));
        assertThat(feed(assembler, resent)).as("a clean resend still completes").hasSize(1);
    }

    @Test
    void chunkDisagreeingWithEarlierChunksOfItsVersionIsRejected() {
        List<CheckpointChunk> chunks = CheckpointChunker.split(release("fashion", 4, 300), 100);
        assembler.accept(consumed(chunks.get(0)));
        chunks.get(1).sha256 = "0".repeat(64);

        assertThatThrownBy(() -> assembler.accept(consumed(chunks.get(1)))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("same version");
    }

    @Test
    void recordsThatAreNotChunksAreRejectedClearly() {
        ProducerRecord<byte[], byte[]> plain = new ProducerRecord<>("checkpoints", new byte[] {1}, new byte[] {2});
        CheckpointChunk badIndex = CheckpointChunker.split(release("fashion", 1, 10), 100).get(0);
        badIndex.index = 1;

        assertThatThrownBy(() -> assembler.accept(consumed(plain))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("ssck-1");
        assertThatThrownBy(() -> assembler.accept(consumed(badIndex))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("chunk.index");
    }

    @Test
    void incompleteVersionLimitMustBePositive() {
        assertThatThrownBy(() -> new CheckpointAssembler(0)).hasMessageContaining("maxIncompleteVersions");
    }

    private static List<AssembledCheckpoint> feed(CheckpointAssembler assembler,
            List<ConsumerRecord<byte[], byte[]>> records) {
        List<AssembledCheckpoint> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Optional<AssembledCheckpoint> whole = assembler.accept(record);
            whole.ifPresent(out::add);
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> interleave(List<List<ConsumerRecord<byte[], byte[]>>> lists) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        int longest = lists.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<ConsumerRecord<byte[], byte[]>> list : lists) {
                if (i < list.size()) {
                    out.add(list.get(i));
                }
            }
        }
        return out;
    }
}
