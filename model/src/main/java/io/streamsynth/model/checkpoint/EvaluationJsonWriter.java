package io.streamsynth.model.checkpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Writes a checkpoint's {@code evaluation} object: the figures that count items
 * ({@link #COUNTS}) as JSON integers ({@code "held_out_items": 1984}), every other figure as a
 * JSON number with a fraction or exponent as Jackson writes a double. The record keeps every
 * figure as a double, so a reader of either form gets the same values.
 */
final class EvaluationJsonWriter extends StdSerializer<Map<String, Double>> {
    /** Evaluation figures that are counts. */
    static final Set<String> COUNTS = Set.of("held_out_items", "non_finite_embeddings");

    @SuppressWarnings("unchecked")
    EvaluationJsonWriter() {
        super((Class<Map<String, Double>>) (Class<?>) Map.class);
    }

    @Override
    public void serialize(Map<String, Double> figures, JsonGenerator json, SerializerProvider provider)
            throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, Double> e : figures.entrySet()) {
            double v = e.getValue();
            json.writeFieldName(e.getKey());
            if (COUNTS.contains(e.getKey()) && v == Math.rint(v) && Math.abs(v) < 0x1p53) {
                json.writeNumber((long) v);
            } else {
                json.writeNumber(v);
            }
        }
        json.writeEndObject();
    }
}
