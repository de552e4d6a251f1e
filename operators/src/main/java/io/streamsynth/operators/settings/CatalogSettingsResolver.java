package io.streamsynth.operators.settings;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.batch.CatalogPolicies;
import io.streamsynth.operators.decode.CatalogDecoding;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.train.CatalogTrainerSettings;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a catalog's record on the catalogs topic (its value as it arrived, see {@link CatalogSettingsJson})
 * into what each operator needs: the decoder's image contract and held-out share, the batch builder's policy,
 * the trainer's settings. A null record is the job's flags. The job-wide parts (seed, device, buffer bounds,
 * held-out capacity) are the job's whatever the record says.
 *
 * <p>Records reach the operators stamped on the data, so the same few bytes are looked up for every
 * sample: the decoded settings are kept per record value (the last {@value #CACHED} values), and a sample
 * costs one hash of its stamp. A record the decoder accepted can still fail here when the job was restored
 * with other flags that break a rule with it (the record leaves a field to the flags); the catalog then
 * trains with the job's flags, logged once per value.
 */
public final class CatalogSettingsResolver implements CatalogDecoding, CatalogPolicies, CatalogTrainerSettings {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSettingsResolver.class);
    private static final int CACHED = 64;

    private final CatalogSettings job;
    private final long seed;
    private final DeviceSpec device;
    private final int heldOutCapacity;
    private final int evaluationMinItems;
    private final IncompatibleStatePolicy onIncompatibleState;
    private final int maxSamplesPerClass;
    private final int maxClasses;
    private final Integer freshPerBatch;

    private transient Map<ByteBuffer, CatalogSettings> decoded;

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
        batches(job);
        job.trainer(seed, device, heldOutCapacity, evaluationMinItems, onIncompatibleState);
    }

    /** The settings of a catalog whose record is {@code record}; the job's for null or a record that no longer fits. */
    public CatalogSettings settings(byte[] record) {
        if (record == null) {
            return job;
        }
        if (decoded == null) {
            decoded = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, CatalogSettings> eldest) {
                    return size() > CACHED;
                }
            };
        }
        ByteBuffer key = ByteBuffer.wrap(record);
        CatalogSettings s = decoded.get(key);
        if (s == null) {
            try {
                s = CatalogSettingsJson.decode(record, job);
            } catch (IllegalArgumentException e) {
                LOG.warn("a catalog settings record no longer fits this job's flags ({}); its catalog trains with "
                        + "the flags: {}", e.getMessage(), CatalogSettingsJson.text(record));
                s = job;
            }
            decoded.put(key, s);
        }
        return s;
    }

    @Override
    public void check(String key, byte[] value) {
        CatalogSettings s = CatalogSettingsJson.decode(key, value, job);
        // the job-wide bounds must take the catalog's P and K (a buffer of at least K per class, ...)
        try {
            batches(s);
        } catch (IllegalArgumentException e) {
            throw new io.streamsynth.model.train.InvalidSettingException("classes-per-batch",
                    "does not fit the job's buffers: " + e.getMessage());
        }
    }

    @Override
    public ImageSpec image(byte[] settings) {
        return settings(settings).image();
    }

    @Override
    public HeldOutSelector heldOut(byte[] settings) {
        return new HeldOutSelector(settings(settings).heldOutShare());
    }

    @Override
    public BatchPolicy policy(byte[] settings) {
        return batches(settings(settings));
    }

    @Override
    public TrainerSettings trainer(byte[] settings) {
        return settings(settings).trainer(seed, device, heldOutCapacity, evaluationMinItems, onIncompatibleState);
    }

    private BatchPolicy batches(CatalogSettings s) {
        return s.batches(seed, maxSamplesPerClass, maxClasses, freshPerBatch);
    }
}
