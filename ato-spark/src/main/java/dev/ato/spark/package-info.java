/**
 * ato on Apache Spark: {@link dev.ato.spark.SparkScorer} scores a {@code Dataset<Row>} with a
 * network ato saved, on the executors, each of which loads it once; {@link dev.ato.spark.AtoSweep}
 * runs one ATO run per FLOPs budget and seed as Spark tasks and writes a Pareto table and chart.
 * docs/spark.md says how to run them on a cluster.
 */
package dev.ato.spark;
