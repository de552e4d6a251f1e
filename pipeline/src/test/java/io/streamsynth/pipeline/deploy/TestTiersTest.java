package io.streamsynth.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The two test tiers of the build (README, "Tests"): {@code ./mvnw test} runs the unit tests
 * ({@code *Test}, Surefire), {@code ./mvnw verify} also the integration tests ({@code *IT},
 * Failsafe, after {@code package}). Failsafe must run its tests the way Surefire does, and a test
 * that starts the whole job must not slip into the fast tier.
 */
class TestTiersTest {
    private static final Path ROOT = DeploymentFilesTest.repositoryRoot();
    /** What a test's own source names when it starts the whole job, a MiniCluster or a secured run of both. */
    private static final Pattern WHOLE_JOB = Pattern.compile("StreamsynthJob\\.build\\(|\\.executeAsync\\("
            + "|\\bLocalJobRunner\\.(start|submit)\\(|\\bMiniCluster(Configuration)?\\b|\\bSecuredPipelineRun\\b");

    @Test
    void failsafeRunsIntegrationTestsWithSurefiresSettingsAndFailsTheBuild() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        Element surefire = managedPlugin(pom, "maven-surefire-plugin");
        Element failsafe = managedPlugin(pom, "maven-failsafe-plugin");
        assertThat(text(child(failsafe, "version"))).isEqualTo(text(child(surefire, "version")));

        Element unitSettings = child(surefire, "configuration");
        Element itSettings = child(failsafe, "configuration");
        assertThat(text(child(itSettings, "classesDirectory"))).as("ITs on target/classes, not on the module's jar")
                .isEqualTo("${project.build.outputDirectory}");
        assertThat(canonical(itSettings, "classesDirectory")).as("failsafe's configuration less classesDirectory")
                .isEqualTo(canonical(unitSettings, "classesDirectory"));

        List<String> goals = new ArrayList<>();
        Node executions = child(failsafe, "executions");
        for (Element e : elements(executions, "execution")) {
            for (Element g : elements(child(e, "goals"), "goal")) {
                goals.add(text(g));
            }
        }
        assertThat(goals).as("integration-test runs them, verify fails the build on a failure")
                .containsExactlyInAnyOrder("integration-test", "verify");

        Element buildPlugins = child(child(pom.getDocumentElement(), "build"), "plugins");
        assertThat(elements(buildPlugins, "plugin")).as("failsafe bound in every module")
                .anySatisfy(p -> assertThat(text(child(p, "artifactId"))).isEqualTo("maven-failsafe-plugin"));
    }

    @Test
    void testsThatStartTheWholeJobAreIntegrationTests() throws IOException {
        List<String> misnamed = new ArrayList<>();
        List<String> integration = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(tests)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        String name = f.getFileName().toString();
                        String source = Files.readString(f);
                        if (name.endsWith("IT.java")) {
                            integration.add(name);
                        } else if (name.endsWith("Test.java") && source.contains("@Test")
                                && !name.equals(TestTiersTest.class.getSimpleName() + ".java") // names the patterns
                                && WHOLE_JOB.matcher(source).find()) {
                            misnamed.add(ROOT.relativize(f).toString());
                        }
                    }
                }
            }
        }
        assertThat(misnamed).as("tests that start the whole job belong in the integration tier: rename them *IT")
                .isEmpty();
        assertThat(integration).contains("TaskManagerLossIT.java", "BrokerRestartIT.java",
                "RescaleFromSavepointIT.java", "StreamingJobEndToEndIT.java");
    }

    private static Element managedPlugin(Document pom, String artifactId) {
        Element management = child(child(pom.getDocumentElement(), "build"), "pluginManagement");
        return elements(child(management, "plugins"), "plugin").stream()
                .filter(p -> text(child(p, "artifactId")).equals(artifactId)).findFirst()
                .orElseThrow(() -> new AssertionError(artifactId + " not in the parent pom's pluginManagement"));
    }

    /** The element's children as name=value lines, comments and whitespace dropped, {@code skip} left out. */
    private static String canonical(Element e, String skip) {
        StringBuilder out = new StringBuilder();
        for (Element c : elements(e, null)) {
            if (c.getTagName().equals(skip)) {
                continue;
            }
            out.append(c.getTagName()).append('=');
            out.append(elements(c, null).isEmpty() ? text(c) : "{" + canonical(c, skip) + "}").append('\n');
        }
        return out.toString();
    }

    private static Element child(Node parent, String tag) {
        List<Element> found = elements(parent, tag);
        assertThat(found).as("<%s> under <%s>", tag, parent.getNodeName()).hasSize(1);
        return found.get(0);
    }

    private static List<Element> elements(Node parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (tag == null || e.getTagName().equals(tag))) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element e) {
        return e.getTextContent().trim();
    }
}
