package io.streamsynth.pipeline.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP API of a running index (JDK's HttpServer, JSON out):
 * <ul>
 * <li>{@code GET /catalogs/{catalog}/neighbours?item=ID&k=10}: the item's k nearest neighbours in
 *     its catalog's served version, {@code {"catalog","model_version","item_id","k","neighbours":
 *     [{"item_id","label","similarity"}, ...]}}, most similar first, the item itself left out;
 *     404 for an unknown catalog or item, 400 for a missing item or a k outside 1..maxK.</li>
 * <li>{@code GET /catalogs}: per catalog, the served {@code model_version} and its {@code items}.</li>
 * </ul>
 * Errors are {@code {"error": "<one line>"}}; a method other than GET is 405.
 */
public final class NeighboursHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEIGHBOURS = Pattern.compile("/catalogs/([^/]+)/neighbours/?");

    private final CatalogIndexes indexes;
    private final int maxK;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "index-http");
        t.setDaemon(true);
        return t;
    });

    /** Starts serving at {@code address} (port 0: any free port, see {@link #port}). */
    public NeighboursHttp(CatalogIndexes indexes, InetSocketAddress address, int maxK) throws IOException {
        this.indexes = indexes;
        this.maxK = maxK;
        this.server = HttpServer.create(address, 0);
        server.createContext("/catalogs", this::handle);
        server.createContext("/", exchange -> reply(exchange, 404, error("no such resource; see GET /catalogs "
                + "and GET /catalogs/{catalog}/neighbours?item=ID&k=10")));
        server.setExecutor(threads);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, error("only GET is supported"));
                return;
            }
            // getPath decodes percent escapes, so a catalog named "a/b" would split; match the raw path
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/catalogs") || path.equals("/catalogs/")) {
                reply(exchange, 200, catalogs());
                return;
            }
            Matcher m = NEIGHBOURS.matcher(path);
            if (!m.matches()) {
                reply(exchange, 404, error("no such resource: " + path));
                return;
            }
            // in a path '+' is itself, not a space as in a query string
            neighbours(exchange, URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (RuntimeException | IOException e) {
            reply(exchange, 500, error(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private void neighbours(HttpExchange exchange, String catalog) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String item = query.get("item");
        if (item == null || item.isEmpty()) {
            reply(exchange, 400, error("the query parameter 'item' is required"));
            return;
        }
        int k;
        try {
            k = Integer.parseInt(query.getOrDefault("k", "10"));
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k < 1 || k > maxK) {
            reply(exchange, 400, error("k must be an integer from 1 to " + maxK + ", got '" + query.get("k") + "'"));
            return;
        }
        Neighbours answer;
        try {
            answer = indexes.neighbours(catalog, item, k);
        } catch (NoSuchElementException e) {
            reply(exchange, 404, error(e.getMessage()));
            return;
        }
        reply(exchange, 200, toJson(answer, k));
    }

    /** The JSON object of an answer, as the HTTP API and {@code index search} write it. */
    public static Map<String, Object> toJson(Neighbours answer, int k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("catalog", answer.catalog());
        out.put("model_version", answer.modelVersion());
        out.put("item_id", answer.itemId());
        out.put("k", k);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Neighbour n : answer.neighbours()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("item_id", n.itemId());
            e.put("label", n.label());
            e.put("similarity", n.similarity());
            list.add(e);
        }
        out.put("neighbours", list);
        return out;
    }

    private Map<String, Object> catalogs() {
        List<Map<String, Object>> list = new ArrayList<>();
        indexes.served().forEach((c, vi) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("catalog", c);
            e.put("model_version", vi[0]);
            e.put("items", vi[1]);
            list.add(e);
        });
        return Map.of("catalogs", list);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
