package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's MiniCluster settings on a real MiniCluster with its REST endpoint. */
@Timeout(180)
class QuickstartFlinkIT {
    @TempDir
    Path tmp;

    @Test
    void theWebUiServesTheJobManagerLogAndFlinkKeepsItsFilesInTheRunsFolder() throws Exception {
        QuickstartDirs dirs = QuickstartDirs.create(tmp.resolve("work"));
        Configuration conf = QuickstartFlink.configuration(dirs);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, 0);
        List<String> flinkFiles;
        try (QuickstartLogFile log = QuickstartLogFile.attach(dirs.logFile());
                MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                        .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            URI rest = cluster.getRestAddress().get();
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(rest.resolve("/jobmanager/log")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).as("Flink's own INFO lines, which the terminal does not show")
                    .contains(" INFO ", "org.apache.flink.runtime");
            try (var names = Files.list(dirs.flinkTmp())) {
                flinkFiles = names.map(p -> p.getFileName().toString()).toList();
            }
        }
        assertThat(flinkFiles).anyMatch(n -> n.startsWith("minicluster_"))
                .anyMatch(n -> n.startsWith("flink-rpc-akka") && n.endsWith(".jar"));

        dirs.close();
        assertThat(dirs.flinkTmp()).as("Flink's temporary files go").doesNotExist();
        assertThat(dirs.logFile()).as("a --work-dir keeps the log").exists();
    }
}
