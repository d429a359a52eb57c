/**
 * Compressed networks on Apache Spark: {@link dev.ato.spark.SparkScorer} scores a {@code
 * Dataset<Row>} with a network ato saved, on the executors, each of which loads it once.
 * docs/spark.md says how to run it on a cluster.
 */
package dev.ato.spark;
