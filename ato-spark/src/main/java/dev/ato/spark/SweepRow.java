package dev.ato.spark;

import java.io.Serializable;

/**
 * What one run of a budget sweep gave: the compressed network's size and its validation metric.
 * Each run writes it as {@code report.json} beside its network.
 *
 * @param point the run's reduction and seed
 * @param flopsBefore the dense network's FLOPs
 * @param flopsAfter the compressed network's FLOPs
 * @param parametersBefore the dense network's parameters
 * @param parametersAfter the compressed network's parameters
 * @param metric the name of the validation metric
 * @param value the compressed network's metric on the validation data (NaN without any)
 * @param targetMet whether the run kept its FLOPs budget
 * @param seconds the run's training time, build and cut included, on its last attempt
 */
public record SweepRow(
    SweepPoint point,
    long flopsBefore,
    long flopsAfter,
    long parametersBefore,
    long parametersAfter,
    String metric,
    double value,
    boolean targetMet,
    double seconds)
    implements Serializable {

  /** The share of the dense network's FLOPs the compressed one keeps. */
  public double flopsKept() {
    return (double) flopsAfter / flopsBefore;
  }

  /** The share of the dense network's parameters the compressed one keeps. */
  public double parametersKept() {
    return (double) parametersAfter / parametersBefore;
  }
}
