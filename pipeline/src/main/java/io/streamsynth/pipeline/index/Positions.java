package io.streamsynth.pipeline.index;

import java.util.Map;
import java.util.TreeMap;

/** A topic position (next offset per partition) as text: {@code 0=12,1=40}. */
final class Positions {
    private Positions() {}

    static String format(Map<Integer, Long> position) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(position).forEach((p, o) -> sb.append(sb.length() == 0 ? "" : ",").append(p).append('=').append(o));
        return sb.toString();
    }

    static Map<Integer, Long> parse(String text) {
        Map<Integer, Long> out = new TreeMap<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            out.put(Integer.parseInt(part.substring(0, eq)), Long.parseLong(part.substring(eq + 1)));
        }
        return out;
    }
}
