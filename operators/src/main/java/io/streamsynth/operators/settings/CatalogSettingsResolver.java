package io.streamsynth.operators.settings;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.batch.CatalogPolicies;
import io.streamsynth.operators.decode.CatalogDecoding;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.decode.ImageEventParser;
import io.streamsynth.operators.train.CatalogTrainerSettings;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a catalog's record on the catalogs topic (its value as the decoder stamped it, see
 * {@link CatalogSettingsJson}) into what each operator needs: the decoder's image contract and held-out
 * selector, the batch builder's policy, the trainer's settings. A null record is the job's flags. The
 * job-wide parts (seed, device, buffer bounds, held-out capacity) are the job's whatever the record says.
 *
 * <p>Records reach the operators stamped on the data, so the same few bytes are looked up for every
 * sample. Each record value (a catalog's revision) is resolved once into one {@link Resolved}: its settings,
 * decoder choice, batch policy and trainer settings, built and validated together; every lookup of that value
 * returns those same instances, so a sample allocates nothing here. The last {@value #CACHED} values are
 * kept; a lookup with the array it looked up last (the decoder's broadcast state and the batch builder's
 * heap index hand over the same array each time) costs a reference comparison, any other one hash of its
 * bytes. A new revision is another value, so nothing is invalidated by hand. A record the decoder accepted can
 * still fail here when the job was restored with other flags that break a rule with it (the record leaves a
 * field to the flags); the catalog then trains with the job's flags, logged once per value.
 */
public final class CatalogSettingsResolver implements CatalogDecoding, CatalogPolicies, CatalogTrainerSettings {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSettingsResolver.class);
    private static final int CACHED = 64;

    /**
     * Everything a catalog's settings give the operators, made once per record value.
     *
     * @param settings the catalog's settings
     * @param decoding the decoder's image contract and held-out selector
     * @param policy   the batch builder's policy
     * @param trainer  the trainer's settings
     */
    public record Resolved(CatalogSettings settings, ImageEventParser.Choice decoding, BatchPolicy policy,
            TrainerSettings trainer) {}

    private final CatalogSettings job;
    private final long seed;
    private final DeviceSpec device;
    private final int heldOutCapacity;
    private final int evaluationMinItems;
    private final IncompatibleStatePolicy onIncompatibleState;
    private final int maxSamplesPerClass;
    private final int maxClasses;
    private final Integer freshPerBatch;

    private transient Resolved flags;
    private transient Map<ByteBuffer, Resolved> resolved;
    private transient byte[] lastRecord;
    private transient Resolved last;

    /**
     * @param job the job's settings (its flags): catalogs without a record, and the fields a record leaves out
     * @param freshPerBatch new samples that trigger a batch; null: half a batch of the catalog
     */
    public CatalogSettingsResolver(CatalogSettings job, long seed, DeviceSpec device, int heldOutCapacity,
            int evaluationMinItems, IncompatibleStatePolicy onIncompatibleState, int maxSamplesPerClass,
            int maxClasses, Integer freshPerBatch) {
        if (job == null || device == null || onIncompatibleState == null) {
            throw new IllegalArgumentException("the job's catalog settings, device and incompatible-state policy "
                    + "are required");
        }
        this.job = job;
        this.seed = seed;
        this.device = device;
        this.heldOutCapacity = heldOutCapacity;
        this.evaluationMinItems = evaluationMinItems;
        this.onIncompatibleState = onIncompatibleState;
        this.maxSamplesPerClass = maxSamplesPerClass;
        this.maxClasses = maxClasses;
        this.freshPerBatch = freshPerBatch;
        // fail at build time, not on the cluster, should the job's own settings not fit the bounds
        resolve(job);
    }

    /**
     * What the record {@code record} gives its catalog; the job's flags for null or a record that no longer
     * fits. The same value returns the same instance.
     */
    public Resolved resolved(byte[] record) {
        if (record == null) {
            if (flags == null) {
                flags = resolve(job);
            }
            return flags;
        }
        if (record == lastRecord) {
            return last;
        }
        if (resolved == null) {
            resolved = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Resolved> eldest) {
                    return size() > CACHED;
                }
            };
        }
        ByteBuffer key = ByteBuffer.wrap(record);
        Resolved r = resolved.get(key);
        if (r == null) {
            try {
                r = resolve(CatalogSettingsJson.decode(record, job));
            } catch (IllegalArgumentException e) {
                LOG.warn("a catalog settings record no longer fits this job's flags ({}); its catalog trains with "
                        + "the flags: {}", e.getMessage(), CatalogSettingsJson.text(record));
                r = resolved(null);
            }
            resolved.put(key, r);
        }
        lastRecord = record;
        last = r;
        return r;
    }

    /** The settings of a catalog whose record is {@code record}; the job's for null or a record that no longer fits. */
    public CatalogSettings settings(byte[] record) {
        return resolved(record).settings();
    }

    /**
     * Checks the record and its backbone file, if it names one (read and checked here, once per record, see
     * {@link CatalogSettingsJson#checked}), and returns the value its catalog's events are stamped with.
     */
    @Override
    public byte[] check(String key, byte[] value) {
        CatalogSettingsJson.Checked checked = CatalogSettingsJson.checked(key, value, job);
        // the job-wide bounds must take the catalog's P and K (a buffer of at least K per class, ...)
        try {
            batches(checked.settings());
        } catch (IllegalArgumentException e) {
            throw new io.streamsynth.model.train.InvalidSettingException("classes-per-batch",
                    "does not fit the job's buffers: " + e.getMessage());
        }
        return checked.stamped();
    }

    @Override
    public ImageEventParser.Choice decoding(byte[] settings) {
        return resolved(settings).decoding();
    }

    @Override
    public BatchPolicy policy(byte[] settings) {
        return resolved(settings).policy();
    }

    @Override
    public TrainerSettings trainer(byte[] settings) {
        return resolved(settings).trainer();
    }

    private Resolved resolve(CatalogSettings s) {
        return new Resolved(s, new ImageEventParser.Choice(s.image(), new HeldOutSelector(s.heldOutShare())),
                batches(s), s.trainer(seed, device, heldOutCapacity, evaluationMinItems, onIncompatibleState));
    }

    private BatchPolicy batches(CatalogSettings s) {
        return s.batches(seed, maxSamplesPerClass, maxClasses, freshPerBatch);
    }
}
