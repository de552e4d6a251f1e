package io.streamsynth.bench.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A plain PyTorch training loop in a second process: {@code torch_loop.py} (a resource next to this
 * class) run by a system Python with torch and torchvision, which trains torchvision's resnet18 (or 50) with
 * the same head, loss, synthesis and optimizer as our step and reports its own step times. The
 * script is copied to a temporary file, since the shaded jar cannot be executed by Python.
 */
public final class TorchLoop implements AutoCloseable {
    /** The script's resource name, relative to this class. */
    static final String SCRIPT = "torch_loop.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One {@code steps N} answer, per step: wall and process CPU milliseconds, the CPU milliseconds
     * of forward pass with synthesis, mining and loss, of backward pass and of optimizer update, and
     * the last step's loss.
     */
    public record Measurement(double wallMillis, double cpuMillis, double forwardCpuMillis, double backwardCpuMillis,
            double optimizerCpuMillis, double loss) {}

    /**
     * @param architecture  torchvision's network: resnet18 or resnet50
     * @param size          side of the square RGB images
     * @param batch         P x K
     * @param synthesis     none, ee or symm
     * @param embeddingSize D
     * @param threads       torch.set_num_threads
     * @param learningRate  Adam's
     */
    public record Config(String architecture, int size, BatchShape batch, String synthesis, int embeddingSize,
            int threads, float learningRate) {
        /** ResNet-18. */
        public Config(int size, BatchShape batch, String synthesis, int embeddingSize, int threads,
                float learningRate) {
            this("resnet18", size, batch, synthesis, embeddingSize, threads, learningRate);
        }
    }

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path script;
    private final Path log;

    private TorchLoop(Process process, Path script, Path log) {
        this.process = process;
        this.script = script;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * Starts the loop and waits for its "ready" (model built, batch made).
     *
     * @throws IllegalStateException when the process exits or says something else first; the message
     *                               carries its standard error
     */
    public static TorchLoop start(String python, Config c) {
        Path script = copyScript();
        try {
            Path log = Files.createTempFile("streamsynth-torch-loop", ".log");
            List<String> command = new ArrayList<>(List.of(python, script.toString(), "loop",
                    "--architecture", c.architecture(), "--size", Integer.toString(c.size()), "--classes", Integer.toString(c.batch().classes()),
                    "--per-class", Integer.toString(c.batch().samplesPerClass()), "--synthesis", c.synthesis(),
                    "--embedding-size", Integer.toString(c.embeddingSize()),
                    "--threads", Integer.toString(Math.max(1, c.threads())),
                    "--lr", Float.toString(c.learningRate())));
            // the child's stderr goes to a file: an unread pipe would block it once full
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            TorchLoop loop = new TorchLoop(p, script, log);
            String first = loop.out.readLine();
            if (!"ready".equals(first)) {
                String reason = loop.stderr();
                loop.close();
                throw new IllegalStateException("the PyTorch loop did not start (" + first + "): " + reason);
            }
            return loop;
        } catch (IOException e) {
            deleteQuietly(script);
            throw new UncheckedIOException("cannot start " + python, e);
        }
    }

    /** Runs {@code steps} training steps in the Python process and returns its per-step figures. */
    public Measurement steps(int steps) {
        in.println("steps " + steps);
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the PyTorch loop ended: " + stderr());
            }
            return parse(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Measurement parse(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        return new Measurement(n.get("wall_ms").asDouble(), n.get("cpu_ms").asDouble(), n.get("forward_cpu_ms").asDouble(),
                n.get("backward_cpu_ms").asDouble(), n.get("optimizer_cpu_ms").asDouble(), n.get("loss").asDouble());
    }

    /**
     * Whether {@code python} can run the loop: empty when it imports torch and torchvision, otherwise
     * the reason (not found, import error), for a message that tells the user what to install.
     */
    public static Optional<String> unavailable(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch, torchvision; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(python + " did not answer within 120 s");
            }
            if (p.exitValue() != 0) {
                String[] lines = output.split("\n");
                return Optional.of(python + " cannot import torch and torchvision: " + lines[lines.length - 1]);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(python + " cannot be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing " + python);
        }
    }

    /** The torch version {@code python} imports, e.g. 1.13.1; call after {@link #unavailable} said yes. */
    public static String torchVersion(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)").start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(120, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** A copy of the script in a temporary file; the caller deletes it. */
    static Path copyScript() {
        try (InputStream s = TorchLoop.class.getResourceAsStream(SCRIPT)) {
            if (s == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the class path");
            }
            Path file = Files.createTempFile("streamsynth-torch-loop", ".py");
            Files.copy(s, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String stderr() {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            String text = Files.readString(log).trim();
            return text.isEmpty() ? "(no error output)" : text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(error output unreadable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    @Override
    public void close() {
        in.println("quit");
        in.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteQuietly(script);
        deleteQuietly(log);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TorchLoop[pid %d]", process.pid());
    }
}
