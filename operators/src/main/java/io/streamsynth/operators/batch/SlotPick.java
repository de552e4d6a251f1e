package io.streamsynth.operators.batch;

/**
 * The samples one class contributes to a batch: its slots in batch order, of which the first
 * {@code freshTaken} are fresh (newest first) and the rest replayed.
 *
 * @param oldestFreshIngestTime the earliest ingest time among the fresh ones, or
 *     {@link Long#MAX_VALUE} when none is fresh
 */
public record SlotPick(int[] slots, int freshTaken, long oldestFreshIngestTime) {}
