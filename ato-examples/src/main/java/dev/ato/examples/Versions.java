package dev.ato.examples;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.ato.djl.AtoVersion;
import dev.ato.examples.report.RunReport;

/** The versions and the machine a run reports. */
final class Versions {

  private Versions() {}

  /** The environment of this JVM, its engine and {@code device}. */
  static RunReport.Environment environment(Device device) {
    Engine engine = Engine.getInstance();
    return new RunReport.Environment(
        AtoVersion.current(),
        Engine.getDjlVersion(),
        engine.getEngineName() + " " + engine.getVersion(),
        device.toString(),
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        System.getenv("ONEDNN_MAX_CPU_ISA"));
  }
}
