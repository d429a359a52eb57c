package dev.ato.examples;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.ato.examples.report.RunReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions and the machine a run reports. */
final class Versions {

  private static final String RESOURCE = "version.properties";

  private Versions() {}

  /** ato's version, as Maven built it. */
  static String ato() {
    try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from ato-examples' jar");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("ato.version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment of this JVM, its engine and {@code device}. */
  static RunReport.Environment environment(Device device) {
    Engine engine = Engine.getInstance();
    return new RunReport.Environment(ato(), Engine.getDjlVersion(),
        engine.getEngineName() + " " + engine.getVersion(), device.toString(),
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(), System.getenv("ONEDNN_MAX_CPU_ISA"));
  }
}
