package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.ItemKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SkippedRecordsTest {

    @Test
    void nothingSkippedSaysNothing() {
        assertThat(new SkippedRecords().summary("embedding")).isEmpty();
    }

    @Test
    void namesItemKeysRawKeysAndMissingKeysWithWhereAndWhy() {
        SkippedRecords skipped = new SkippedRecords();
        skipped.add(ItemKey.encode("fashion", "sku-1"), 1, 42, "embedding vector[3] = 1e999 does not fit a float32");
        skipped.add("junk".getBytes(StandardCharsets.UTF_8), 0, 7, "not JSON");
        skipped.add(null, 2, 0, "no value");

        assertThat(skipped.count()).isEqualTo(3);
        assertThat(skipped.summary("embedding")).contains("skipped 3 records not in the documented embedding format: "
                + "item 'sku-1' of catalog 'fashion' (partition 1, offset 42): embedding vector[3] = 1e999 does not "
                + "fit a float32; key 'junk' (partition 0, offset 7): not JSON; "
                + "a record without a key (partition 2, offset 0): no value");
    }

    @Test
    void namesTheFirstFewAndCountsTheRest() {
        SkippedRecords skipped = new SkippedRecords();
        for (int i = 0; i < SkippedRecords.NAMED + 3; i++) {
            skipped.add(ItemKey.encode("c", "item-" + i), 0, i, "bad");
        }

        String summary = skipped.summary("embedding").orElseThrow();
        assertThat(summary).startsWith("skipped 8 records").contains("item 'item-4'").doesNotContain("item-5")
                .endsWith("; and 3 more");
        SkippedRecords one = new SkippedRecords();
        one.add(null, 0, 0, "bad");
        assertThat(one.summary("embedding").orElseThrow()).startsWith("skipped 1 record not in the documented embedding format: a record");
    }
}
