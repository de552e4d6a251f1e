package io.streamsynth.operators.embed;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stored items that still wait for their catalog's newest model version: one pass per catalog,
 * handed out in slices so that the operator can process records and checkpoint barriers between them.
 *
 * <p>A pass always targets the catalog's newest version. A newer version restarts the pass over every
 * item of the catalog, the ones done at the older version included (after the ones it had not
 * reached); an item that arrives while it
 * waits is embedded on arrival at the newest version and leaves the pass, so no item is embedded
 * twice at one version.
 */
final class RefreshPasses {
    /** Keys of one catalog's items to embed together, already taken out of the pass. */
    record Slice(String catalog, List<String> keys) {}

    /** One pending item as it is checkpointed. */
    record Pending(String catalog, String key) {}

    private final Map<String, Set<String>> pending = new LinkedHashMap<>();

    /**
     * Starts (or restarts) the pass of a catalog over these item keys. The items the interrupted pass
     * had not reached yet come first: they hold the oldest embeddings, and when versions come faster
     * than a pass over the catalog takes, restarting from the top would leave the same tail of the
     * key order stale for ever.
     */
    void start(String catalog, Collection<String> keys) {
        // removed and re-inserted last, so the other catalogs' passes get their turn first
        Set<String> unreached = pending.remove(catalog);
        Set<String> next = unreached == null ? new LinkedHashSet<>() : unreached;
        next.addAll(keys);
        if (!next.isEmpty()) {
            pending.put(catalog, next);
        }
    }

    /** An item arrived and is about to be embedded at the newest version: the pass must leave it out. */
    boolean arrived(String catalog, String key) {
        Set<String> keys = pending.get(catalog);
        if (keys == null || !keys.remove(key)) {
            return false;
        }
        if (keys.isEmpty()) {
            pending.remove(catalog);
        }
        return true;
    }

    /**
     * Takes up to {@code maxItems} keys of one catalog out of the pending set; catalogs take turns
     * slice by slice. Returns null when no pass is running.
     */
    Slice next(int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("a slice holds at least one item, got " + maxItems);
        }
        Iterator<Map.Entry<String, Set<String>>> passes = pending.entrySet().iterator();
        if (!passes.hasNext()) {
            return null;
        }
        Map.Entry<String, Set<String>> first = passes.next();
        String catalog = first.getKey();
        Set<String> keys = first.getValue();
        List<String> slice = new ArrayList<>(Math.min(maxItems, keys.size()));
        Iterator<String> it = keys.iterator();
        while (it.hasNext() && slice.size() < maxItems) {
            slice.add(it.next());
            it.remove();
        }
        passes.remove();
        if (!keys.isEmpty()) {
            pending.put(catalog, keys);
        }
        return new Slice(catalog, slice);
    }

    boolean isRunning(String catalog) {
        return pending.containsKey(catalog);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    int size() {
        int n = 0;
        for (Set<String> keys : pending.values()) {
            n += keys.size();
        }
        return n;
    }

    /** Items still to do per catalog with a running pass. */
    Map<String, Long> sizeByCatalog() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        pending.forEach((catalog, keys) -> sizes.put(catalog, (long) keys.size()));
        return sizes;
    }

    List<Pending> snapshot() {
        List<Pending> out = new ArrayList<>(size());
        pending.forEach((catalog, keys) -> keys.forEach(key -> out.add(new Pending(catalog, key))));
        return out;
    }

    void add(Pending p) {
        pending.computeIfAbsent(p.catalog(), c -> new LinkedHashSet<>()).add(p.key());
    }
}
