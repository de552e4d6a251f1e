package io.streamsynth.model.train;

/**
 * What one training step reports.
 *
 * @param step           1-based step count after this step
 * @param loss           loss value before the update
 * @param syntheticShare share of mined negative pairs that involve a synthetic point
 * @param millis         wall time of the step
 */
public record StepResult(long step, float loss, double syntheticShare, double millis) {}
