package io.streamsynth.pipeline.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where things live under {@code --index-dir}: {@code state.json} (offsets, served versions, pending
 * markers) and one Lucene index per (catalog, version) at {@code catalogs/<catalog>/v<version>}, the
 * catalog's name percent-encoded (every byte of its UTF-8 outside {@code [A-Za-z0-9_-]} as
 * {@code %XX}), so any catalog name is one safe directory name and distinct names stay distinct.
 */
public final class IndexLayout {
    private final Path root;

    public IndexLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path stateFile() {
        return root.resolve("state.json");
    }

    public Path catalogDir(String catalog) {
        return root.resolve("catalogs").resolve(encode(catalog));
    }

    public Path versionDir(String catalog, long version) {
        return catalogDir(catalog).resolve("v" + version);
    }

    /** Every (catalog, version) directory present, in no particular order. */
    public List<CatalogVersion> present() {
        Path catalogs = root.resolve("catalogs");
        List<CatalogVersion> out = new ArrayList<>();
        if (!Files.isDirectory(catalogs)) {
            return out;
        }
        try (Stream<Path> cs = Files.list(catalogs)) {
            for (Path c : cs.toList()) {
                String catalog = decode(c.getFileName().toString());
                try (Stream<Path> vs = Files.list(c)) {
                    for (Path v : vs.toList()) {
                        String name = v.getFileName().toString();
                        if (name.matches("v[0-9]{1,18}")) {
                            out.add(new CatalogVersion(catalog, Long.parseLong(name.substring(1))));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Deletes a directory and everything below it. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String encode(String catalog) {
        StringBuilder sb = new StringBuilder();
        for (byte b : catalog.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    static String decode(String name) {
        byte[] out = new byte[name.length()];
        int n = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' && i + 2 < name.length()) {
                out[n++] = (byte) Integer.parseInt(name.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** One index's coordinates. */
    public record CatalogVersion(String catalog, long version) {}
}
