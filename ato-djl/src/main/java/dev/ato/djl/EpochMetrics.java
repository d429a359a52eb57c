package dev.ato.djl;

/**
 * What one epoch of an ATO run achieved.
 *
 * @param epoch 1-based
 * @param steps optimiser steps so far
 * @param trainLoss mean training loss of the epoch
 * @param trainMetric the run's metric ({@link AtoResult#metric()}) on the epoch's training batches
 * @param validationMetric the run's metric on the validation data, or NaN without any
 * @param prunedGroups groups the current mask prunes
 * @param flopsRatio share of the whole model's FLOPs the current mask keeps
 * @param prunedGroupNorm the largest L2 norm among the pruned groups: 0 once projection has driven
 *     them all to zero
 * @param seconds wall time of the epoch
 */
public record EpochMetrics(
    int epoch,
    long steps,
    double trainLoss,
    double trainMetric,
    double validationMetric,
    int prunedGroups,
    double flopsRatio,
    double prunedGroupNorm,
    double seconds) {}
