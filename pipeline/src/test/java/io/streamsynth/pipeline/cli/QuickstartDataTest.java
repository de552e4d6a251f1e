package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.pipeline.produce.ImageItems;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartDataTest {
    @TempDir
    Path dir;

    @Test
    void trainsOnTheChosenClassesAndQueriesTheOthersTestImagesNamedAsProduceNamesThem() throws Exception {
        IdxDataset.write(dir, 100, 50); // labels are index % 10
        QuickstartData split = QuickstartData.select(dir, List.of("0", "1", "5", "7", "8"), 30, 12, 7);

        assertThat(split.training().size()).isEqualTo(30);
        assertThat(split.training().items()).allSatisfy(item -> {
            assertThat(List.of("0", "1", "5", "7", "8")).contains(item.label());
            assertThat(item.itemId()).isEqualTo("train-" + item.index());
        });
        assertThat(split.queries().size()).isEqualTo(12);
        assertThat(split.queries().items()).allSatisfy(item -> {
            assertThat(List.of("2", "3", "4", "6", "9")).contains(item.label());
            assertThat(item.itemId()).isEqualTo("test-" + item.index());
        });
        assertThat(split.planned()).isEqualTo(42);
        assertThat(ids(QuickstartData.select(dir, List.of("0", "1", "5", "7", "8"), 30, 12, 7).training()))
                .as("the same seed, the same events in the same order").isEqualTo(ids(split.training()));
    }

    @Test
    void allClassesLeaveNoQueries() throws Exception {
        IdxDataset.write(dir, 40, 20);
        QuickstartData split = QuickstartData.select(dir, List.of("all"), 1000, 10, 1);

        assertThat(split.training().size()).as("more events asked than images: every image once").isEqualTo(40);
        assertThat(split.queries()).isNull();
        assertThat(split.queryCount()).isZero();
    }

    @Test
    void refusesClassListsItCannotTrainOnNamingTheFlag() {
        assertThatThrownBy(() -> QuickstartData.parseClasses(List.of("0", "10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--train-classes takes Fashion-MNIST class numbers 0..9 or 'all', got '10'");
        assertThatThrownBy(() -> QuickstartData.parseClasses(List.of("3")))
                .hasMessage("--train-classes needs at least two classes");
        assertThat(QuickstartData.parseClasses(List.of(" 2", "4 "))).containsExactlyInAnyOrder(2, 4);
    }

    @Test
    void sampleIsASeededSelectionOfDistinctIndices() {
        int[] five = QuickstartData.sample(10, 5, 42);
        assertThat(five).hasSize(5).doesNotHaveDuplicates();
        assertThat(Arrays.stream(five).boxed().toList()).allSatisfy(i -> assertThat(i).isBetween(0, 9));
        assertThat(QuickstartData.sample(10, 5, 42)).isEqualTo(five);
        assertThat(QuickstartData.sample(10, 5, 43)).isNotEqualTo(five);
        int[] all = QuickstartData.sample(10, 99, 42);
        Arrays.sort(all);
        assertThat(all).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(QuickstartCommand.sample(10, 5, 42)).as("what the benches call").isEqualTo(five);
    }

    private static List<String> ids(ImageItems items) {
        return items.items().stream().map(ImageItems.Item::itemId).toList();
    }
}
