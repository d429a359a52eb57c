package dev.ato.storage;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory written whole or not at all: its files go into a staging directory beside the target
 * ({@code .NAME.partial-PID}), which {@link #commit()} flushes to disk and renames to the target in
 * one step, replacing what was there. An interrupted writer therefore never leaves a directory that
 * looks finished; {@link #close()} without a commit removes the staging directory, and {@link
 * #deleteLeftovers} removes what killed writers left. Checkpoints and the command line's output
 * directory are written this way.
 */
public final class StagedDirectory implements AutoCloseable {

  /** A staging directory or a replaced target that a killed writer left behind. */
  private static final Pattern LEFTOVER = Pattern.compile("\\.(.+)\\.(partial|previous)-\\d+");

  private final Path target;
  private final Path staging;
  private boolean committed;

  private StagedDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Starts writing {@code target}: a fresh, empty staging directory beside it (one a killed run of
   * this process id left is replaced), its parent made when missing.
   */
  public static StagedDirectory beside(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    Path staging = absolute.resolveSibling(hidden(absolute, "partial"));
    Files.createDirectories(absolute.getParent());
    deleteTree(staging);
    Files.createDirectory(staging);
    return new StagedDirectory(absolute, staging);
  }

  /** The directory to write into until {@link #commit()}. */
  public Path staging() {
    return staging;
  }

  /** The directory the files will have after {@link #commit()}. */
  public Path target() {
    return target;
  }

  /**
   * Flushes every file of the staging directory to disk, then renames it to the target in one step;
   * a target that was there is moved aside first and deleted after.
   */
  public void commit() throws IOException {
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
    }
    Path previous = null;
    if (Files.exists(target)) {
      previous = target.resolveSibling(hidden(target, "previous"));
      deleteTree(previous);
      move(target, previous);
    }
    move(staging, target);
    committed = true;
    if (previous != null) {
      deleteTree(previous);
    }
  }

  /** Removes the staging directory unless it was committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      deleteTree(staging);
    }
  }

  /**
   * Deletes, in {@code directory}, the staging directories and moved-aside targets that killed
   * writers left, of targets whose name {@code names} accepts.
   */
  public static void deleteLeftovers(Path directory, Predicate<String> names) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        var matcher = LEFTOVER.matcher(entry.getFileName().toString());
        if (matcher.matches() && names.test(matcher.group(1))) {
          deleteTree(entry);
        }
      }
    }
  }

  /** Deletes {@code root} and everything in it; a missing one is left missing. */
  public static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      MoreFiles.deleteRecursively(root, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  private static String hidden(Path target, String kind) {
    return "." + target.getFileName() + "." + kind + "-" + ProcessHandle.current().pid();
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
