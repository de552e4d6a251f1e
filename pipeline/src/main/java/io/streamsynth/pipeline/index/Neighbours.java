package io.streamsynth.pipeline.index;

import java.util.List;

/** The answer to a k-NN query: which index answered it and the neighbours, most similar first. */
public record Neighbours(String catalog, long modelVersion, String itemId, List<Neighbour> neighbours) {}
