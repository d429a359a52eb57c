package dev.ato.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one run in their directory, whatever the engine: their names, when one is due,
 * writing one whole ({@link StagedDirectory}) with a checksum manifest, keeping the latest few, and
 * finding and checking the latest. A checkpoint is a directory {@code epoch-NNNN} (within the next
 * epoch {@code epoch-NNNN+step-SSSSSSSS}) whose files the engine binding chooses; its state file,
 * written last, marks it complete.
 */
public final class CheckpointDirectory {

  /** After epoch E: {@code epoch-EEEE}; within the next one, at step S: {@code +step-S}. */
  private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})(?:\\+step-(\\d{8,}))?");

  private final Checkpoints settings;
  private final String stateFile;

  private CheckpointDirectory(Checkpoints settings, String stateFile) {
    this.settings = settings;
    this.stateFile = stateFile;
  }

  /**
   * The checkpoints of {@code settings}' directory, made writable now: a directory that cannot be
   * made or written fails here, before any training.
   *
   * @param stateFile the file a complete checkpoint holds, written last
   * @throws IllegalArgumentException when the directory cannot be used
   */
  public static CheckpointDirectory open(Checkpoints settings, String stateFile) {
    Path directory = settings.directory();
    try {
      Files.createDirectories(directory);
      Path probe = Files.createTempFile(directory, ".write-test", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(
          "cannot write checkpoints to "
              + directory
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "): give a directory this "
              + "process may create and write",
          e);
    }
    return new CheckpointDirectory(settings, stateFile);
  }

  /** Whether the run writes a checkpoint after {@code epoch} of {@code epochs}. */
  public boolean due(int epoch, int epochs) {
    return epoch == epochs || epoch % settings.everyEpochs() == 0;
  }

  /**
   * Whether the run writes a checkpoint within an epoch before step {@code nextStep}: every {@code
   * everySteps} steps, except where an epoch ends (the epoch's own checkpoint is due).
   */
  public boolean dueWithinEpoch(long nextStep, long stepsPerEpoch) {
    return settings.everySteps() > 0
        && nextStep % settings.everySteps() == 0
        && nextStep % stepsPerEpoch != 0;
  }

  /** What fills a checkpoint's staging directory; the state file last. */
  @FunctionalInterface
  public interface Contents {
    /** Writes the checkpoint's files into {@code staging}. */
    void writeTo(Path staging) throws IOException;
  }

  /**
   * Writes the checkpoint after {@code epochsDone} epochs (within the next one before step {@code
   * step}, when {@code withinEpoch}): its files, then a checksum manifest over them, renamed into
   * place whole; then deletes what the retention no longer keeps and what killed runs left
   * half-written.
   *
   * @param files the names of the files {@code contents} writes, which the manifest lists
   * @return the checkpoint's directory
   * @throws UncheckedIOException when it cannot be written
   */
  public Path write(
      int epochsDone, long step, boolean withinEpoch, List<String> files, Contents contents) {
    String name =
        withinEpoch
            ? String.format("epoch-%04d+step-%08d", epochsDone, step)
            : String.format("epoch-%04d", epochsDone);
    Path target = settings.directory().resolve(name);
    try (StagedDirectory staged = StagedDirectory.beside(target)) {
      contents.writeTo(staged.staging());
      Checksums.write(staged.staging(), files);
      staged.commit();
      List<Path> kept = named().stream().filter(this::isComplete).toList();
      for (int i = 0; i < kept.size() - settings.retain(); i++) {
        StagedDirectory.deleteTree(kept.get(i));
      }
      StagedDirectory.deleteLeftovers(settings.directory(), n -> NAME.matcher(n).matches());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the checkpoint "
              + target
              + " of epoch "
              + epochsDone
              + ": "
              + e.getMessage(),
          e);
    }
    return target;
  }

  /**
   * The directory of the latest checkpoint, if any.
   *
   * @throws IllegalStateException when the latest one has lost its state file: checkpoints are
   *     renamed into place whole, and only older ones are deleted (where an interrupted deletion
   *     may leave part of one), so the latest one without it was damaged
   */
  public Optional<Path> latest() {
    List<Path> named = named();
    if (named.isEmpty()) {
      return Optional.empty();
    }
    Path newest = named.get(named.size() - 1);
    if (!isComplete(newest)) {
      throw unreadable(newest, stateFile + " is missing", null);
    }
    return Optional.of(newest);
  }

  /**
   * Checks {@code checkpoint}'s files against its checksum manifest, which must list every one of
   * {@code files}.
   *
   * @throws IllegalStateException naming the checkpoint and the damage
   */
  public static void verify(Path checkpoint, List<String> files) {
    try {
      List<String> checked =
          Checksums.verify(checkpoint)
              .orElseThrow(
                  () ->
                      unreadable(
                          checkpoint,
                          Checksums.FILE_NAME + " is missing, so its files cannot be trusted",
                          null));
      List<String> unlisted = files.stream().filter(f -> !checked.contains(f)).toList();
      if (!unlisted.isEmpty()) {
        throw unreadable(checkpoint, Checksums.FILE_NAME + " does not list " + unlisted, null);
      }
    } catch (IllegalArgumentException | IOException e) {
      throw unreadable(checkpoint, e.getMessage(), e);
    }
  }

  /**
   * The error for a checkpoint that cannot be read: it names it, says why, and that it was left as
   * it is.
   */
  public static IllegalStateException unreadable(Path checkpoint, String why, Exception cause) {
    return new IllegalStateException(
        "the checkpoint "
            + checkpoint
            + " cannot be read ("
            + why
            + "); it was left as it is. Delete it to resume from the one before, or give the run "
            + "another checkpoint directory to start afresh",
        cause);
  }

  /**
   * Deletes every checkpoint in {@code directory}, complete or half-written, and the directory when
   * nothing else is left in it; a missing directory is left missing.
   */
  static void clear(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    for (Path checkpoint : named(directory)) {
      StagedDirectory.deleteTree(checkpoint);
    }
    StagedDirectory.deleteLeftovers(directory, n -> NAME.matcher(n).matches());
    try (Stream<Path> left = Files.list(directory)) {
      if (left.findAny().isEmpty()) {
        Files.delete(directory);
      }
    }
  }

  private List<Path> named() {
    return named(settings.directory());
  }

  /** Checkpoint directories, complete or not, oldest first. */
  private static List<Path> named(Path directory) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (NAME.matcher(entry.getFileName().toString()).matches() && Files.isDirectory(entry)) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoints in " + directory, e);
    }
    found.sort(
        Comparator.comparingLong((Path p) -> position(p)[0])
            .thenComparingLong(p -> position(p)[1]));
    return found;
  }

  /** Whether {@code checkpoint} holds its state file, written last. */
  private boolean isComplete(Path checkpoint) {
    return Files.isRegularFile(checkpoint.resolve(stateFile));
  }

  /** The epochs done and the step within the next (-1 at an epoch's end) of a checkpoint. */
  private static long[] position(Path checkpoint) {
    Matcher matcher = NAME.matcher(checkpoint.getFileName().toString());
    matcher.matches();
    return new long[] {
      Long.parseLong(matcher.group(1)),
      matcher.group(2) == null ? -1 : Long.parseLong(matcher.group(2))
    };
  }
}
