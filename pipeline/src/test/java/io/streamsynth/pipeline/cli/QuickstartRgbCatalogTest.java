package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuickstartRgbCatalogTest {

    @Test
    void theProductsRecordIsValidUnderTheQuickstartsFlagsAndGivesAnRgbContractOfItsOwn() throws Exception {
        QuickstartCommand quickstart = new QuickstartCommand();
        new CommandLine(quickstart).parseArgs("--rgb-catalog");
        CatalogSettings job = quickstart.job.toConfig("localhost:9092").catalog();

        CatalogSettings products = CatalogSettingsJson.decode(QuickstartRgbCatalog.CATALOG,
                QuickstartRgbCatalog.SETTINGS.getBytes(StandardCharsets.UTF_8), job);

        assertThat(quickstart.rgbCatalog).isTrue();
        assertThat(products.image().channels()).isEqualTo(3);
        assertThat(products.image().resize()).isEqualTo(72);
        assertThat(products.image().crop()).isEqualTo(64);
        assertThat(products.architecture().embeddingSize()).isEqualTo(64);
        assertThat(products.sameModelShape(job)).as("another model than fashion's").isFalse();
        assertThat(QuickstartRgbCatalog.QUERY_PREFIX).as("apart from fashion's query items")
                .doesNotStartWith("test-");
    }
}
