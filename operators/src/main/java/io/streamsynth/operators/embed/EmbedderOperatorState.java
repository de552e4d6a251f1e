package io.streamsynth.operators.embed;

import io.streamsynth.operators.types.ImageSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * The embedder's operator state (not keyed): the waiting batch, the keys a running pass has still to
 * do, the version reports still owed, and the version each key group is served at. All four are union
 * lists, so that after a rescale each entry goes to the subtask that now holds its key (or key group),
 * which {@link SubtaskKeys} decides on restore: a newer image or a delete of an item arrives there and
 * must find its waiting image, or the older image could be published after the newer one.
 */
final class EmbedderOperatorState {
    private static final ListStateDescriptor<Tuple2<String, String>> PENDING = new ListStateDescriptor<>(
            "refresh-pending", Types.TUPLE(Types.STRING, Types.STRING));

    private final OperatorStateStore store;
    private final ListState<ImageSample> waiting;
    private final ListState<Tuple2<String, String>> pending;
    private final ListState<OwedReports.Entry> owed;
    private final ListState<ServedKeyGroups.Entry> served;

    EmbedderOperatorState(OperatorStateStore store) throws Exception {
        this.store = store;
        this.waiting = store.getUnionListState(new ListStateDescriptor<>("waiting-by-item",
                TypeInformation.of(ImageSample.class)));
        this.pending = store.getUnionListState(PENDING);
        this.owed = store.getUnionListState(new ListStateDescriptor<>("version-reports-owed",
                TypeInformation.of(OwedReports.Entry.class)));
        this.served = store.getUnionListState(new ListStateDescriptor<>("served-key-groups",
                TypeInformation.of(ServedKeyGroups.Entry.class)));
    }

    /** The waiting images of the items this subtask holds, by item key. */
    Map<String, ImageSample> restoreWaiting(SubtaskKeys keys) throws Exception {
        Map<String, ImageSample> restored = new LinkedHashMap<>();
        // a savepoint from before the waiting batch was a union list (issue 12) holds it split
        // across subtasks; read it once, then it stays empty
        ListState<ImageSample> split = store.getListState(new ListStateDescriptor<>("waiting-items",
                TypeInformation.of(ImageSample.class)));
        for (ImageSample s : split.get()) {
            restored.put(s.itemKey(), s);
        }
        split.clear();
        for (ImageSample s : waiting.get()) {
            if (keys.holds(s.itemKey())) {
                restored.put(s.itemKey(), s);
            }
        }
        return restored;
    }

    /** The running passes' keys that this subtask holds. */
    RefreshPasses restorePasses(SubtaskKeys keys) throws Exception {
        RefreshPasses passes = new RefreshPasses();
        for (Tuple2<String, String> p : pending.get()) {
            if (keys.holds(p.f1)) {
                passes.add(new RefreshPasses.Pending(p.f0, p.f1));
            }
        }
        return passes;
    }

    /** The reports owed for this subtask's key groups. */
    OwedReports restoreReports(SubtaskKeys keys) throws Exception {
        OwedReports reports = new OwedReports();
        reports.restore(owed.get(), keys.keyGroups());
        return reports;
    }

    /** The versions this subtask's key groups were served at (empty from state older than the entries). */
    ServedKeyGroups restoreServed(SubtaskKeys keys) throws Exception {
        ServedKeyGroups restored = new ServedKeyGroups();
        restored.restore(served.get(), keys.keyGroups());
        return restored;
    }

    /**
     * @param skipped versions this subtask skipped (never served) and has not reported yet, as owed reports
     *     of its key groups
     */
    void snapshot(Collection<ImageSample> waitingImages, RefreshPasses passes, OwedReports reports,
            List<OwedReports.Entry> skipped, ServedKeyGroups servedGroups) throws Exception {
        waiting.update(new ArrayList<>(waitingImages));
        List<Tuple2<String, String>> keys = new ArrayList<>();
        for (RefreshPasses.Pending p : passes.snapshot()) {
            keys.add(Tuple2.of(p.catalog(), p.key()));
        }
        pending.update(keys);
        List<OwedReports.Entry> owedEntries = reports.snapshot();
        owedEntries.addAll(skipped);
        owed.update(owedEntries);
        served.update(servedGroups.snapshot());
    }
}
