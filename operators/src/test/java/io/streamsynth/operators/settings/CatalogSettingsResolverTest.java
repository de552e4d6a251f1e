package io.streamsynth.operators.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A record value is resolved once: every lookup of it, from any copy of its bytes, returns the same instances. */
class CatalogSettingsResolverTest {
    private static final CatalogSettings JOB = new CatalogSettingsBuilder().channels(1).resize(12).crop(12)
            .embeddingSize(8).baseFilters(4).build();
    private static final byte[] RGB = ("{\"schema_version\":1,\"image_channels\":3,\"image_resize\":10,"
            + "\"image_crop\":8,\"architecture\":\"cnn\",\"embedding_size\":8,\"held_out_share\":0.2}")
            .getBytes(StandardCharsets.UTF_8);

    private static CatalogSettingsResolver resolver() {
        return new CatalogSettingsResolver(JOB, 1, DeviceSpec.parse("cpu"), 100, 2, IncompatibleStatePolicy.FAIL, 64,
                100, null);
    }

    @Test
    void everyLookupOfARecordValueReturnsTheSameResolvedInstances() {
        CatalogSettingsResolver r = resolver();
        CatalogSettingsResolver.Resolved first = r.resolved(RGB);

        // as a downstream operator sees it: the same bytes in a new array for every sample
        byte[] copy = Arrays.copyOf(RGB, RGB.length);
        assertThat(r.resolved(copy)).isSameAs(first);
        assertThat(r.resolved(RGB)).isSameAs(first);
        assertThat(r.decoding(copy)).isSameAs(first.decoding()).isSameAs(r.decoding(RGB));
        assertThat(r.policy(copy)).isSameAs(first.policy()).isSameAs(r.policy(RGB));
        assertThat(r.trainer(copy)).isSameAs(first.trainer());
        assertThat(first.decoding().spec().channels()).isEqualTo(3);
        assertThat(first.decoding().heldOut().share()).isEqualTo(0.2);
        assertThat(r.resolved(null)).as("the job's flags, resolved once too").isSameAs(r.resolved(null))
                .isNotSameAs(first);
        assertThat(r.resolved(null).decoding().spec().channels()).isEqualTo(1);
    }

    @Test
    void aNewRevisionIsResolvedAnewAndTheOldOneStaysResolved() {
        CatalogSettingsResolver r = resolver();
        CatalogSettingsResolver.Resolved old = r.resolved(RGB);
        byte[] newer = new String(RGB, StandardCharsets.UTF_8).replace("0.2", "0.3").getBytes(StandardCharsets.UTF_8);

        CatalogSettingsResolver.Resolved now = r.resolved(newer);

        assertThat(now).isNotSameAs(old);
        assertThat(now.decoding().heldOut().share()).isEqualTo(0.3);
        assertThat(r.resolved(RGB)).as("samples stamped with the older revision still in flight").isSameAs(old);
    }
}
