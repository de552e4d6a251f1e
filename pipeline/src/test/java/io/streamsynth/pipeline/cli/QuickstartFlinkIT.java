package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.minicluster.MiniCluster;
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
        List<String> flinkFiles;
        // port 0: any free port, so the test never meets a quickstart on 8081
        try (QuickstartLogFile log = QuickstartLogFile.attach(dirs.logFile());
                QuickstartFlink.Starting starting = QuickstartFlink.startInBackground(0, dirs)) {
            MiniCluster cluster = starting.await();
            URI rest = cluster.getRestAddress().get();
            HttpResponse<String> response = getOnceLeaderIsElected(rest.resolve("/jobmanager/log"));

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

    /**
     * The REST endpoint answers 503 ("ongoing leader election") for a moment after {@code start()}
     * returns on a loaded machine; a browser user just refreshes, so the test waits as they would.
     */
    private static HttpResponse<String> getOnceLeaderIsElected(URI uri) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(200);
        }
    }
}
