package dev.ato.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark of two task slots for the tests of this JVM, as a small cluster runs them; a
 * failed task is tried once more, as a cluster retries it ({@code local[2,2]}).
 */
final class LocalSpark {

  private LocalSpark() {}

  /** The session, started on first use; Spark stops it when the JVM exits. */
  static SparkSession session() {
    return SparkSession.builder()
        .master("local[2,2]")
        .appName("ato-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "localhost")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
