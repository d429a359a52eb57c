package dev.ato.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.optimizer.Optimizer;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.storage.Checksums;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one run in their directory: writing one after an epoch (or within one),
 * finding the latest, and putting a run back where it stood. A checkpoint is a directory
 * {@code epoch-NNNN} (within the next epoch {@code epoch-NNNN+step-SSSSSSSS}) with
 * {@code state.json} (where the run stands, and what run it is), four array files (the model's
 * parameters, its optimiser's state, the controller's parameters and its AdamW state) and the
 * SHA-256 of all five in {@code checksums.sha256}, checked before any of them is read.
 */
final class RunCheckpoint {

  static final String FORMAT = "ato-checkpoint/2";
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoint.class);
  /** After epoch E: {@code epoch-EEEE}; within the next one, at step S: {@code +step-S}. */
  private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})(?:\\+step-(\\d{8,}))?");
  private static final Pattern PARTIAL =
      Pattern.compile("\\.epoch-\\d{4,}(?:\\+step-\\d{8,})?\\.partial-\\d+");
  private static final String STATE = "state.json";
  private static final String MODEL = "model.arrays";
  private static final String MODEL_OPTIMIZER = "model-optimizer.arrays";
  private static final String CONTROLLER = "controller.arrays";
  private static final String CONTROLLER_OPTIMIZER = "controller-optimizer.arrays";
  /** Every file of a checkpoint, which its checksum manifest lists. */
  private static final List<String> FILES = List.of(MODEL, MODEL_OPTIMIZER, CONTROLLER,
      CONTROLLER_OPTIMIZER, STATE);
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues()
      .setPrettyPrinting().create();

  /**
   * What run a checkpoint belongs to: a checkpoint resumes only the run it was written by.
   *
   * @param parameters every model parameter as {@code name shape}
   * @param groups prunable groups
   * @param schedule the schedule, as it prints
   * @param targetRatio share of the prunable FLOPs the controller aims to keep
   * @param seed the run's seed
   * @param heldOut the held-out records' indices in the training data, empty for separate
   *     controller data
   */
  record Fingerprint(List<String> parameters, int groups, String schedule, double targetRatio,
      long seed, List<Long> heldOut) {

    static Fingerprint of(AutoTrainOnce ato) {
      List<String> parameters = new ArrayList<>();
      ato.model.getBlock().getParameters().forEach(pair -> parameters.add(pair.getKey() + " "
          + pair.getValue().getArray().getShape()));
      return new Fingerprint(parameters, ato.groups.size(),
          // An automatic multiple is the machine's (its instruction set, CPU or GPU), not the
          // run's: a run resumed on another machine rounds as that one does.
          ato.settings.schedule() + ", mask from " + ato.settings.maskSource()
              + ", channel rounding " + (ato.settings.channelRounding().automatic()
                  ? "automatic" : ato.settings.channelRounding().multiple()),
          ato.target.prunableRatio(), ato.settings.seed(), ato.settings.heldOutIndices());
    }

    /** The first difference from {@code other}, in words. */
    String differenceFrom(Fingerprint other) {
      if (!parameters.equals(other.parameters)) {
        return "the model's parameters differ (" + other.parameters.size() + " saved, "
            + parameters.size() + " now)";
      }
      if (groups != other.groups) {
        return "the model has " + groups + " groups, the checkpoint " + other.groups;
      }
      if (!schedule.equals(other.schedule)) {
        return "the schedule is " + schedule + ", the checkpoint's " + other.schedule;
      }
      if (targetRatio != other.targetRatio) {
        return "the FLOPs target differs";
      }
      if (seed != other.seed) {
        return "the seed is " + seed + ", the checkpoint's " + other.seed;
      }
      return "the held-out split differs (" + heldOut.size() + " records now, "
          + other.heldOut.size() + " saved)";
    }
  }

  /** How far an optimiser had counted, with its counts keyed by parameter name. */
  record Counts(int numUpdate, Map<String, Integer> updateCounts) {}

  /**
   * Where a run stood after an epoch.
   *
   * @param format {@value #FORMAT}
   * @param fingerprint what run this is
   * @param epoch the last epoch done, from 1
   * @param step the next step to take
   * @param mask groups the mask kept
   * @param frozenMask groups the frozen mask kept, or null before the freeze
   * @param outcome how the frozen mask came to its reduction, or null before the freeze
   * @param epochs every epoch's metrics so far
   * @param updates every controller update so far
   * @param skippedUpdates controller updates skipped for a non-finite gradient
   * @param model the model optimiser's counts
   * @param controller the controller optimiser's counts
   * @param accumulators within an epoch, DJL's running sums of the epoch's loss and metrics,
   *     by evaluator name and path ({@link DjlInternals#evaluatorAccumulators}); null after one
   */
  record State(String format, Fingerprint fingerprint, int epoch, long step, boolean[] mask,
      boolean[] frozenMask, BudgetOutcome outcome, List<EpochMetrics> epochs,
      List<ControllerUpdate> updates, int skippedUpdates, Counts model, Counts controller,
      Map<String, Map<String, Map<String, Double>>> accumulators) {

    /** Whether this checkpoint lies within an epoch rather than at its end. */
    boolean withinEpoch() {
      return accumulators != null;
    }
  }

  private final Path directory;
  private final Checkpoints settings;

  private RunCheckpoint(Checkpoints settings) {
    this.settings = settings;
    this.directory = settings.directory();
  }

  /**
   * The checkpoints of {@code settings}' directory, made writable now: a directory that cannot
   * be made or written fails here, before any training.
   *
   * @throws IllegalArgumentException when the directory cannot be used
   */
  static RunCheckpoint in(Checkpoints settings) {
    Path directory = settings.directory();
    try {
      Files.createDirectories(directory);
      Path probe = Files.createTempFile(directory, ".write-test", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("cannot write checkpoints to " + directory + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "): give a directory this "
          + "process may create and write", e);
    }
    return new RunCheckpoint(settings);
  }

  /**
   * The directory of the latest checkpoint, if any.
   *
   * @throws IllegalStateException when the latest one has lost its state file: checkpoints are
   *     renamed into place whole, and only older ones are deleted (where an interrupted
   *     deletion may leave part of one), so the latest one without it was damaged
   */
  Optional<Path> latest() {
    List<Path> named = named(directory);
    if (named.isEmpty()) {
      return Optional.empty();
    }
    Path newest = named.get(named.size() - 1);
    if (!isComplete(newest)) {
      throw unreadable(newest, STATE + " is missing", null);
    }
    return Optional.of(newest);
  }

  /** Checkpoint directories, complete or not, oldest first. */
  private static List<Path> named(Path directory) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (NAME.matcher(entry.getFileName().toString()).matches()
            && Files.isDirectory(entry)) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoints in " + directory, e);
    }
    found.sort(Comparator.comparingLong((Path p) -> position(p)[0])
        .thenComparingLong(p -> position(p)[1]));
    return found;
  }

  /** Complete checkpoints, oldest first. */
  private List<Path> complete() {
    return named(directory).stream().filter(RunCheckpoint::isComplete).toList();
  }

  /** Whether {@code checkpoint} holds its state file, written last. */
  private static boolean isComplete(Path checkpoint) {
    return Files.isRegularFile(checkpoint.resolve(STATE));
  }

  /** The epochs done and the step within the next (-1 at an epoch's end) of a checkpoint. */
  private static long[] position(Path checkpoint) {
    Matcher matcher = NAME.matcher(checkpoint.getFileName().toString());
    matcher.matches();
    return new long[] {Long.parseLong(matcher.group(1)),
        matcher.group(2) == null ? -1 : Long.parseLong(matcher.group(2))};
  }

  /** Whether the run writes a checkpoint after {@code epoch} of {@code epochs}. */
  boolean due(int epoch, int epochs) {
    return epoch == epochs || epoch % settings.everyEpochs() == 0;
  }

  /**
   * Whether the run writes a checkpoint within an epoch before step {@code nextStep}: every
   * {@code everySteps} steps, except where an epoch ends (the epoch's own checkpoint is due).
   */
  boolean dueWithinEpoch(long nextStep, long stepsPerEpoch) {
    return settings.everySteps() > 0 && nextStep % settings.everySteps() == 0
        && nextStep % stepsPerEpoch != 0;
  }

  /** DJL's running sums of the epoch for each of {@code trainer}'s loss and evaluators. */
  static Map<String, Map<String, Map<String, Double>>> accumulators(
      Trainer trainer) {
    Map<String, Map<String, Map<String, Double>>> all = new LinkedHashMap<>();
    for (Evaluator evaluator : evaluators(trainer)) {
      Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
      DjlInternals.evaluatorAccumulators(evaluator).forEach((path, live) -> {
        Map<String, Double> values = new LinkedHashMap<>();
        live.forEach((key, value) -> values.put(key, ((Number) value).doubleValue()));
        sums.put(path, values);
      });
      all.put(evaluator.getName(), sums);
    }
    return all;
  }

  /** Puts DJL's running sums of the epoch back into {@code trainer}'s loss and evaluators. */
  static void restoreAccumulators(Trainer trainer,
      Map<String, Map<String, Map<String, Double>>> saved) {
    for (Evaluator evaluator : evaluators(trainer)) {
      Map<String, Map<String, Double>> sums = saved.get(evaluator.getName());
      if (sums == null) {
        throw new IllegalStateException("the checkpoint holds no running sums of evaluator "
            + evaluator.getName() + "; resume with the evaluators it was written with");
      }
      DjlInternals.evaluatorAccumulators(evaluator).forEach((path, live) -> {
        Map<String, Double> values = sums.getOrDefault(path, Map.of());
        boolean longs = path.endsWith(":Long");
        values.forEach((key, value) -> live.put(key, longs ? (Object) value.longValue()
            : (Object) value.floatValue()));
      });
    }
  }

  private static List<Evaluator> evaluators(
      Trainer trainer) {
    List<Evaluator> all = new ArrayList<>();
    all.add(trainer.getLoss());
    all.addAll(trainer.getEvaluators());
    return all;
  }

  /**
   * Writes a checkpoint of the run after {@code state.epoch()}, then deletes what the retention
   * no longer keeps and what killed runs left half-written.
   */
  Path write(State state, Block model, Optimizer modelOptimizer, Block controller,
      Optimizer controllerOptimizer) {
    String name = state.withinEpoch()
        ? String.format("epoch-%04d+step-%08d", state.epoch(), state.step())
        : String.format("epoch-%04d", state.epoch());
    Path target = directory.resolve(name);
    Path partial = directory.resolve("." + name + ".partial-" + ProcessHandle.current().pid());
    try {
      deleteTree(partial);
      Files.createDirectory(partial);
      ArrayFile.write(partial.resolve(MODEL), parameters(model));
      ArrayFile.write(partial.resolve(MODEL_OPTIMIZER), optimizerArrays(modelOptimizer, model));
      ArrayFile.write(partial.resolve(CONTROLLER), parameters(controller));
      ArrayFile.write(partial.resolve(CONTROLLER_OPTIMIZER),
          optimizerArrays(controllerOptimizer, controller));
      // state.json last: a directory with it is complete.
      Files.writeString(partial.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
      Checksums.write(partial, FILES);
      try (Stream<Path> files = Files.list(partial)) {
        for (Path file : files.toList()) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
      deleteTree(target);
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target);
      }
      List<Path> kept = complete();
      for (int i = 0; i < kept.size() - settings.retain(); i++) {
        deleteTree(kept.get(i));
      }
      deleteAbandoned();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + target + " of epoch "
          + state.epoch() + ": " + e.getMessage(), e);
    }
    if (state.withinEpoch()) {
      LOG.info("checkpoint at step {} (in epoch {}) written to {}", state.step(),
          state.epoch() + 1, target);
    } else {
      LOG.info("checkpoint of epoch {} (step {}) written to {}", state.epoch(), state.step(),
          target);
    }
    return target;
  }

  /** Deletes the half-written checkpoints of runs killed while writing one. */
  private void deleteAbandoned() throws IOException {
    deleteMatching(directory, PARTIAL);
  }

  /**
   * Deletes every checkpoint in {@code directory}, complete or half-written, and the directory
   * when nothing else is left in it; a missing directory is left missing.
   */
  static void clear(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    deleteMatching(directory, NAME);
    deleteMatching(directory, PARTIAL);
    try (Stream<Path> left = Files.list(directory)) {
      if (left.findAny().isEmpty()) {
        Files.delete(directory);
      }
    }
  }

  private static void deleteMatching(Path directory, Pattern names) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (names.matcher(entry.getFileName().toString()).matches()) {
          deleteTree(entry);
        }
      }
    }
  }

  /**
   * Reads the state of {@code checkpoint} and checks that it belongs to {@code fingerprint}'s run.
   *
   * @throws IllegalStateException when it cannot be read, is of another format or another run
   */
  static State readState(Path checkpoint, Fingerprint fingerprint) {
    State state;
    try {
      List<String> checked = Checksums.verify(checkpoint).orElseThrow(() -> unreadable(
          checkpoint, Checksums.FILE_NAME + " is missing, so its files cannot be trusted", null));
      List<String> unlisted = FILES.stream().filter(f -> !checked.contains(f)).toList();
      if (!unlisted.isEmpty()) {
        throw unreadable(checkpoint, Checksums.FILE_NAME + " does not list " + unlisted, null);
      }
    } catch (IllegalArgumentException | IOException e) {
      throw unreadable(checkpoint, e.getMessage(), e);
    }
    try {
      state = GSON.fromJson(Files.readString(checkpoint.resolve(STATE), StandardCharsets.UTF_8),
          State.class);
    } catch (IOException | JsonParseException e) {
      throw unreadable(checkpoint, e.getMessage(), e);
    }
    if (state == null || !FORMAT.equals(state.format()) || state.fingerprint() == null) {
      throw unreadable(checkpoint, "it is not an " + FORMAT + " checkpoint", null);
    }
    if (!fingerprint.equals(state.fingerprint())) {
      throw new IllegalStateException("the checkpoint " + checkpoint + " is of another run: "
          + fingerprint.differenceFrom(state.fingerprint()) + ". Resume it with the settings it "
          + "was written with, or give this run another checkpoint directory");
    }
    return state;
  }

  /** Puts the saved parameters and optimiser states of {@code checkpoint} back, in place. */
  static void restore(Path checkpoint, State state, Block model, Optimizer modelOptimizer,
      Block controller, Optimizer controllerOptimizer) {
    try {
      restoreParameters(checkpoint.resolve(MODEL), model);
      restoreOptimizer(checkpoint.resolve(MODEL_OPTIMIZER), modelOptimizer, model,
          state.model());
      restoreParameters(checkpoint.resolve(CONTROLLER), controller);
      restoreOptimizer(checkpoint.resolve(CONTROLLER_OPTIMIZER), controllerOptimizer,
          controller, state.controller());
    } catch (IOException e) {
      throw unreadable(checkpoint, e.getMessage(), e);
    }
  }

  /** An optimiser's counts, keyed by parameter name so that a new process can map them. */
  static Counts counts(Optimizer optimizer, Block block) {
    Map<String, String> names = idsToNames(block);
    Map<String, Integer> counts = new LinkedHashMap<>();
    DjlInternals.updateCounts(optimizer).forEach((id, count) -> {
      if (names.containsKey(id)) {
        counts.put(names.get(id), count);
      }
    });
    return new Counts(DjlInternals.numUpdate(optimizer), counts);
  }

  private static Map<String, NDArray> parameters(Block block) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    block.getParameters().forEach(pair -> arrays.put(pair.getKey(), pair.getValue().getArray()));
    return arrays;
  }

  private static Map<String, NDArray> optimizerArrays(Optimizer optimizer, Block block) {
    Map<String, String> names = idsToNames(block);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    DjlInternals.optimizerArrays(optimizer).forEach((field, byId) ->
        byId.forEach((id, byDevice) -> {
          if (names.containsKey(id) && !byDevice.isEmpty()) {
            arrays.put(field + "/" + names.get(id), byDevice.values().iterator().next());
          }
        }));
    return arrays;
  }

  private static void restoreParameters(Path file, Block block) throws IOException {
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> saved = ArrayFile.read(file, scratch);
      for (var pair : block.getParameters()) {
        NDArray target = pair.getValue().getArray();
        NDArray source = saved.get(pair.getKey());
        if (source == null || !source.getShape().equals(target.getShape())) {
          throw new IOException(file + " holds no parameter " + pair.getKey() + " of shape "
              + target.getShape());
        }
        target.set(new NDIndex("..."), source.toDevice(target.getDevice(), false));
      }
    }
  }

  private static void restoreOptimizer(Path file, Optimizer optimizer, Block block,
      Counts counts) throws IOException {
    Map<String, Parameter> byName = new HashMap<>();
    block.getParameters().forEach(pair -> byName.put(pair.getKey(), pair.getValue()));
    Map<String, Map<String, Map<Device, NDArray>>> states = DjlInternals.optimizerArrays(optimizer);
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      for (Map.Entry<String, NDArray> entry : ArrayFile.read(file, scratch).entrySet()) {
        int slash = entry.getKey().indexOf('/');
        Map<String, Map<Device, NDArray>> state = slash < 0 ? null
            : states.get(entry.getKey().substring(0, slash));
        Parameter parameter = slash < 0 ? null : byName.get(entry.getKey().substring(slash + 1));
        if (state == null || parameter == null) {
          throw new IOException(file + " holds optimiser state " + entry.getKey() + " that this "
              + "optimiser (" + optimizer.getClass().getSimpleName() + ") and model do not have");
        }
        NDArray weight = parameter.getArray();
        // A clone owns its memory. A decoded array lives on a Java buffer that is freed with
        // the scratch manager, and toDevice(sameDevice, true) would hand back a tensor sharing
        // that buffer on the PyTorch engine (docs/djl-notes.md).
        NDArray copy = entry.getValue().toDevice(weight.getDevice(), false).duplicate();
        copy.attach(weight.getManager());
        Map<Device, NDArray> byDevice = new HashMap<>();
        byDevice.put(weight.getDevice(), copy);
        state.put(parameter.getId(), byDevice);
      }
    }
    Map<String, Integer> live = DjlInternals.updateCounts(optimizer);
    counts.updateCounts().forEach((name, count) -> {
      Parameter parameter = byName.get(name);
      if (parameter != null) {
        live.put(parameter.getId(), count);
      }
    });
    DjlInternals.setNumUpdate(optimizer, counts.numUpdate());
  }

  private static Map<String, String> idsToNames(Block block) {
    Map<String, String> names = new HashMap<>();
    block.getParameters().forEach(pair -> names.put(pair.getValue().getId(), pair.getKey()));
    return names;
  }

  private static IllegalStateException unreadable(Path checkpoint, String why, Exception cause) {
    return new IllegalStateException("the checkpoint " + checkpoint + " cannot be read (" + why
        + "); it was left as it is. Delete it to resume from the one before, or give the run "
        + "another checkpoint directory to start afresh", cause);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(path);
        } catch (NoSuchFileException e) {
          // gone already
        }
      }
    }
  }

  /** The groups a mask keeps, for the state file. */
  static boolean[] kept(GroupMask mask) {
    boolean[] keep = new boolean[mask.size()];
    for (int g = 0; g < keep.length; g++) {
      keep[g] = mask.isKept(g);
    }
    return keep;
  }
}
