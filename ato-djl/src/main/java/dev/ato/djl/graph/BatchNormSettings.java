package dev.ato.djl.graph;

/**
 * What a DJL {@code BatchNorm} needs beyond its parameters to be rebuilt exactly: read from the
 * user's block, used for the compressed model.
 *
 * @param epsilon added to the variance
 * @param momentum of the running statistics
 * @param center whether beta is added
 * @param scale whether gamma multiplies
 */
public record BatchNormSettings(float epsilon, float momentum, boolean center, boolean scale) {}
