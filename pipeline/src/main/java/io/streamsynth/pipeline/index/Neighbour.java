package io.streamsynth.pipeline.index;

/**
 * One neighbour of a query item.
 *
 * @param similarity cosine similarity to the query item's vector, in [-1, 1]
 * @param label      the item's label, or null when its record had none
 */
public record Neighbour(String itemId, String label, double similarity) {}
