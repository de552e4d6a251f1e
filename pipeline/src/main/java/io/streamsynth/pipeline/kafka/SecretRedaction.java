package io.streamsynth.pipeline.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets of Kafka client properties out of anything printed: a key that names a secret
 * has its value masked, and the secret values found in a properties file are masked in messages
 * (an exception text that echoes a JAAS line, say).
 */
public final class SecretRedaction {
    public static final String MASK = "****";

    /** Key words of Kafka's password-typed settings and of the usual ways to name a credential. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "password|jaas|secret|token|credential|private|(^|\\.)key$|\\.key\\.", Pattern.CASE_INSENSITIVE);
    /** A JAAS option whose value is a credential, e.g. password="..." or clientSecret='...'. */
    private static final Pattern JAAS_SECRET_OPTION = Pattern.compile(
            "(\\w*(?:password|secret|token)\\w*)\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s;]+)", Pattern.CASE_INSENSITIVE);
    /** Shorter values would mask ordinary words in messages; such a secret is not worth the name anyway. */
    private static final int SHORTEST_MASKED_VALUE = 4;

    private SecretRedaction() {}

    /** Whether the value of this Kafka client setting is a secret (sasl.jaas.config, ssl.key.password, ...). */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** The properties as a sorted map for printing, every secret value masked. */
    public static Map<String, String> redacted(Properties properties) {
        Map<String, String> out = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            out.put(key, isSecret(key) ? MASK : properties.getProperty(key));
        }
        return out;
    }

    /** The text with every secret value of the properties (whole values and JAAS password options) masked. */
    public static String scrub(String text, Properties properties) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secretValues(properties)) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    /** Longest first, so that a secret containing another is masked whole. */
    private static Set<String> secretValues(Properties properties) {
        Set<String> values = new TreeSet<>((a, b) -> a.length() != b.length() ? b.length() - a.length()
                : a.compareTo(b));
        for (String key : properties.stringPropertyNames()) {
            if (!isSecret(key)) {
                continue;
            }
            String value = properties.getProperty(key);
            addIfLongEnough(values, value);
            Matcher m = JAAS_SECRET_OPTION.matcher(value);
            while (m.find()) {
                String quoted = m.group(2);
                boolean isQuoted = quoted.length() >= 2 && (quoted.startsWith("\"") || quoted.startsWith("'"));
                addIfLongEnough(values, isQuoted ? quoted.substring(1, quoted.length() - 1) : quoted);
            }
        }
        return values;
    }

    private static void addIfLongEnough(Set<String> values, String value) {
        if (value != null && value.trim().length() >= SHORTEST_MASKED_VALUE) {
            values.add(value.trim());
        }
    }
}
