package dev.ato.examples.report;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Where a run writes its results: everything goes into a staging directory beside the target
 * ({@code .NAME.partial-PID}), which {@link #commit()} renames to the target in one step. An
 * interrupted run therefore never leaves a directory that looks finished; {@link #close()}
 * without a commit removes the staging directory. A target left by an earlier run (it holds a
 * {@code report.json}) is replaced; any other non-empty directory is refused, so that no user
 * file is ever deleted.
 */
public final class OutputDirectory implements AutoCloseable {

  private final Path target;
  private final Path staging;
  private boolean committed;

  private OutputDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Checks that {@code target} can be written, before any long work starts, and creates the
   * staging directory.
   *
   * @throws IOException naming the directory and the problem when it cannot be used
   */
  public static OutputDirectory prepare(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IOException("output " + absolute + " is a file, not a directory: choose another"
          + " --output");
    }
    if (Files.isDirectory(absolute) && !isEmpty(absolute)
        && !Files.exists(absolute.resolve(RunReport.FILE_NAME))) {
      throw new IOException("output directory " + absolute + " holds files that are not an ato "
          + "report: choose another --output, or empty it");
    }
    Path parent = absolute.getParent();
    Path staging = parent.resolve("." + absolute.getFileName() + ".partial-"
        + ProcessHandle.current().pid());
    try {
      Files.createDirectories(parent);
      if (Files.exists(staging)) {
        MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      Files.createDirectory(staging);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot write to output directory " + absolute + ": permission "
          + "denied for " + e.getFile() + "; choose another --output", e);
    } catch (FileSystemException e) {
      throw new IOException("cannot write to output directory " + absolute + ": "
          + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + " for "
          + e.getFile() + "; choose another --output", e);
    }
    return new OutputDirectory(absolute, staging);
  }

  /** The directory to write into until {@link #commit()}. */
  public Path staging() {
    return staging;
  }

  /** The directory the results will have after {@link #commit()}. */
  public Path target() {
    return target;
  }

  /**
   * Moves the staging directory to the target in one rename, replacing an earlier run's
   * results.
   */
  public void commit() throws IOException {
    Path previous = null;
    if (Files.exists(target)) {
      previous = target.resolveSibling("." + target.getFileName() + ".previous-"
          + ProcessHandle.current().pid());
      Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    committed = true;
    if (previous != null) {
      MoreFiles.deleteRecursively(previous, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** Removes the staging directory unless the results were committed. */
  @Override
  public void close() throws IOException {
    if (!committed && Files.exists(staging)) {
      MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }
}
