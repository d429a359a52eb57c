package dev.ato.examples.report;

import dev.ato.storage.StagedDirectory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where a run writes its results: a {@link StagedDirectory}, so everything goes into a staging
 * directory beside the target, which {@link #commit()} renames to the target in one step. An
 * interrupted run therefore never leaves a directory that looks finished; {@link #close()} without
 * a commit removes the staging directory. A target left by an earlier run (it holds a {@code
 * report.json}) is replaced; any other non-empty directory is refused, so that no user file is ever
 * deleted.
 */
public final class OutputDirectory implements AutoCloseable {

  private final StagedDirectory staged;

  private OutputDirectory(StagedDirectory staged) {
    this.staged = staged;
  }

  /**
   * Checks that {@code target} can be written, before any long work starts, and creates the staging
   * directory.
   *
   * @throws IOException naming the directory and the problem when it cannot be used
   */
  public static OutputDirectory prepare(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IOException(
          "output " + absolute + " is a file, not a directory: choose another" + " --output");
    }
    if (Files.isDirectory(absolute)
        && !isEmpty(absolute)
        && !Files.exists(absolute.resolve(RunReport.FILE_NAME))) {
      throw new IOException(
          "output directory "
              + absolute
              + " holds files that are not an ato "
              + "report: choose another --output, or empty it");
    }
    try {
      return new OutputDirectory(StagedDirectory.beside(absolute));
    } catch (AccessDeniedException e) {
      throw new IOException(
          "cannot write to output directory "
              + absolute
              + ": permission "
              + "denied for "
              + e.getFile()
              + "; choose another --output",
          e);
    } catch (FileSystemException e) {
      throw new IOException(
          "cannot write to output directory "
              + absolute
              + ": "
              + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())
              + " for "
              + e.getFile()
              + "; choose another --output",
          e);
    }
  }

  /** The directory to write into until {@link #commit()}. */
  public Path staging() {
    return staged.staging();
  }

  /** The directory the results will have after {@link #commit()}. */
  public Path target() {
    return staged.target();
  }

  /**
   * Moves the staging directory to the target in one rename, replacing an earlier run's results.
   */
  public void commit() throws IOException {
    staged.commit();
  }

  /** Removes the staging directory unless the results were committed. */
  @Override
  public void close() throws IOException {
    staged.close();
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }
}
