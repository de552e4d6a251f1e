package io.streamsynth.bench;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.decode.EventRejectedException;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.decode.ImageEventParser;
import io.streamsynth.operators.types.ImageSample;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decoding one input event (JSON with a base64 28x28 grey PNG) into a validated sample, as the job's first operator does. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeEventBenchmark {
    private ImageEventParser parser;
    private byte[] event;

    @Setup
    public void setUp() {
        parser = new ImageEventParser(EventLimits.defaults(), ImageSpec.defaultsFor(1), new HeldOutSelector(0.1));
        byte[] pixels = new byte[28 * 28];
        new Random(3).nextBytes(pixels);
        String png = Base64.getEncoder().encodeToString(ImageDecoder.encodePng(1, 28, 28, pixels));
        event = ("{\"schema_version\":1,\"event_id\":\"e-1\",\"catalog\":\"fashion\",\"item_id\":\"sku-1\","
                + "\"label\":\"sneaker\",\"image\":\"" + png + "\",\"event_time\":1700000000000,\"train\":true}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public ImageSample decode() throws EventRejectedException {
        return parser.parse(event, 1_700_000_000_000L);
    }
}
