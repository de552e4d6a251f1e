package io.streamsynth.model.train;

/**
 * What one training step reports.
 *
 * @param step           1-based step count after this step
 * @param loss           loss value before the update
 * @param syntheticShare share of mined negative pairs that involve a synthetic point
 * @param millis         wall time of the step
 * @param applied        false when the gradients were not finite and the update was skipped
 */
public record StepResult(long step, float loss, double syntheticShare, double millis, boolean applied) {}
