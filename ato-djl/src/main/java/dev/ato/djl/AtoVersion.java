package dev.ato.djl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of ato that is running, as Maven built it: what reports and exported files name. */
public final class AtoVersion {

  private static final String RESOURCE = "version.properties";
  private static final String VERSION = read();

  private AtoVersion() {}

  /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = AtoVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from ato-djl's jar");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("ato.version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
