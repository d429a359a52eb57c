package dev.ato.spark;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files on the cluster's file systems (a local path, {@code file:}, {@code hdfs:}, {@code s3a:}),
 * reached through Hadoop's {@code FileSystem} with the driver's Hadoop settings, which a task
 * carries with it: Hadoop's {@code Configuration} is not serialisable, and the executors' own lack
 * what the application set on {@code hadoopConfiguration()} while it ran.
 */
final class HadoopFiles implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(HadoopFiles.class);

  private final Map<String, String> settings;

  private HadoopFiles(Map<String, String> settings) {
    this.settings = settings;
  }

  /** The files as the driver of {@code spark} reaches them. */
  static HadoopFiles of(SparkSession spark) {
    Map<String, String> settings = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> settings.put(e.getKey(), e.getValue()));
    return new HadoopFiles(settings);
  }

  /**
   * A location as a URI: one with a scheme ({@code hdfs://...}, {@code file:/...}) as Hadoop reads
   * it, a path without one as a path on this machine (not the cluster's default file system).
   */
  static URI uri(String location) {
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://?.*")) {
      return new org.apache.hadoop.fs.Path(location).toUri();
    }
    return Paths.get(location).toAbsolutePath().toUri();
  }

  /** Whether {@code location} is on this machine's own file system. */
  static boolean isLocal(String location) {
    return "file".equals(uri(location).getScheme());
  }

  boolean exists(String location) {
    try {
      return fileSystem(location).exists(path(location));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + location, e);
    }
  }

  String readText(String location) {
    try (InputStream in = fileSystem(location).open(path(location))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + location, e);
    }
  }

  /** Writes {@code text} to {@code location}, replacing what is there. */
  void writeText(String location, String text) {
    try (OutputStream out = fileSystem(location).create(path(location), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + location, e);
    }
  }

  /** Copies the local {@code source} (a file or a directory) to {@code location}, replacing it. */
  void copyFromLocal(Path source, String location) {
    try {
      FileSystem fileSystem = fileSystem(location);
      fileSystem.delete(path(location), true);
      fileSystem.copyFromLocalFile(
          false, true, new org.apache.hadoop.fs.Path(source.toUri()), path(location));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + source + " to " + location, e);
    }
  }

  /**
   * A local directory with what {@code location} holds: the directory itself when it is local, else
   * a copy in a new temporary directory.
   */
  Path toLocal(String location) {
    URI uri = uri(location);
    if ("file".equals(uri.getScheme())) {
      return Paths.get(uri);
    }
    Path copy = null;
    try {
      copy = Files.createTempDirectory("ato-spark");
      org.apache.hadoop.fs.Path remote = path(location);
      fileSystem(location).copyToLocalFile(remote, new org.apache.hadoop.fs.Path(copy.toUri()));
      return copy.resolve(remote.getName());
    } catch (IOException e) {
      deleteQuietly(copy);
      throw new UncheckedIOException("cannot copy " + location + " to this machine", e);
    }
  }

  /** {@code child} under the directory {@code location}. */
  static String resolve(String location, String child) {
    return location.endsWith("/") ? location + child : location + "/" + child;
  }

  private FileSystem fileSystem(String location) throws IOException {
    Configuration configuration = new Configuration(false);
    settings.forEach(configuration::set);
    FileSystem fileSystem = FileSystem.get(uri(location), configuration);
    // The local file system's default wrapper writes a .crc file beside each file; ato's saved
    // networks carry checksums of their own.
    return fileSystem instanceof LocalFileSystem local ? local.getRaw() : fileSystem;
  }

  /** Deletes a local directory and what it holds, if there is one; failures are only logged. */
  static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    try {
      MoreFiles.deleteRecursively(directory, RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", directory, e.toString());
    }
  }

  private static org.apache.hadoop.fs.Path path(String location) {
    return new org.apache.hadoop.fs.Path(uri(location));
  }
}
