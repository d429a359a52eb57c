package dev.ato.djl.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a checkpoint saves of DJL's training state and puts back: a block's parameters, an
 * optimiser's state between updates and its update counts, and a trainer's running sums of the
 * epoch's loss and metrics. DJL keeps the last three private; they are reached through {@link
 * DjlInternals}. Arrays go to {@link ArrayFile}s keyed by parameter name, so that a new process,
 * whose parameters have new ids, maps them back.
 *
 * <p>Internal to ato: not part of its supported API.
 */
public final class TrainerState {

  private TrainerState() {}

  /**
   * How far an optimiser had counted.
   *
   * @param numUpdate its update number
   * @param updateCounts its per-parameter counts, keyed by parameter name
   */
  public record OptimizerCounts(int numUpdate, Map<String, Integer> updateCounts) {}

  /** Writes {@code block}'s parameters to {@code file}. */
  public static void writeParameters(Path file, Block block) throws IOException {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    block.getParameters().forEach(pair -> arrays.put(pair.getKey(), pair.getValue().getArray()));
    ArrayFile.write(file, arrays);
  }

  /** Writes {@code optimizer}'s state of {@code block}'s parameters to {@code file}. */
  public static void writeOptimizer(Path file, Optimizer optimizer, Block block)
      throws IOException {
    Map<String, String> names = idsToNames(block);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    DjlInternals.optimizerArrays(optimizer)
        .forEach(
            (field, byId) ->
                byId.forEach(
                    (id, byDevice) -> {
                      if (names.containsKey(id) && !byDevice.isEmpty()) {
                        arrays.put(
                            field + "/" + names.get(id), byDevice.values().iterator().next());
                      }
                    }));
    ArrayFile.write(file, arrays);
  }

  /** {@code optimizer}'s counts, keyed by the names of {@code block}'s parameters. */
  public static OptimizerCounts counts(Optimizer optimizer, Block block) {
    Map<String, String> names = idsToNames(block);
    Map<String, Integer> counts = new LinkedHashMap<>();
    DjlInternals.updateCounts(optimizer)
        .forEach(
            (id, count) -> {
              if (names.containsKey(id)) {
                counts.put(names.get(id), count);
              }
            });
    return new OptimizerCounts(DjlInternals.numUpdate(optimizer), counts);
  }

  /**
   * Puts the parameters {@link #writeParameters} wrote back into {@code block}, in place.
   *
   * @throws IOException when the file lacks one of the block's parameters or is damaged
   */
  public static void restoreParameters(Path file, Block block) throws IOException {
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu());
        NoGrad ignored = NoGrad.enter()) {
      Map<String, NDArray> saved = ArrayFile.read(file, scratch);
      for (var pair : block.getParameters()) {
        NDArray target = pair.getValue().getArray();
        NDArray source = saved.get(pair.getKey());
        if (source == null || !source.getShape().equals(target.getShape())) {
          throw new IOException(
              file + " holds no parameter " + pair.getKey() + " of shape " + target.getShape());
        }
        target.set(new NDIndex("..."), source.toDevice(target.getDevice(), false));
      }
    }
  }

  /**
   * Puts the state {@link #writeOptimizer} wrote, and {@code counts}, back into {@code optimizer}
   * for {@code block}'s parameters.
   *
   * @throws IOException when the file holds state this optimiser and block do not have
   */
  public static void restoreOptimizer(
      Path file, Optimizer optimizer, Block block, OptimizerCounts counts) throws IOException {
    Map<String, Parameter> byName = new HashMap<>();
    block.getParameters().forEach(pair -> byName.put(pair.getKey(), pair.getValue()));
    Map<String, Map<String, Map<Device, NDArray>>> states = DjlInternals.optimizerArrays(optimizer);
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      for (Map.Entry<String, NDArray> entry : ArrayFile.read(file, scratch).entrySet()) {
        int slash = entry.getKey().indexOf('/');
        Map<String, Map<Device, NDArray>> state =
            slash < 0 ? null : states.get(entry.getKey().substring(0, slash));
        Parameter parameter = slash < 0 ? null : byName.get(entry.getKey().substring(slash + 1));
        if (state == null || parameter == null) {
          throw new IOException(
              file
                  + " holds optimiser state "
                  + entry.getKey()
                  + " that this "
                  + "optimiser ("
                  + optimizer.getClass().getSimpleName()
                  + ") and model do not have");
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
    counts
        .updateCounts()
        .forEach(
            (name, count) -> {
              Parameter parameter = byName.get(name);
              if (parameter != null) {
                live.put(parameter.getId(), count);
              }
            });
    DjlInternals.setNumUpdate(optimizer, counts.numUpdate());
  }

  /**
   * Hands {@code optimizer}'s state and update count of the parameter of id {@code fromId} over to
   * the parameter of id {@code toId}: each state array passes through {@code carry}, which makes
   * the new one, and the old array is closed. A parameter the optimiser has not updated has nothing
   * to hand over.
   */
  public static void moveOptimizerState(
      Optimizer optimizer, String fromId, String toId, UnaryOperator<NDArray> carry) {
    for (Map<String, Map<Device, NDArray>> state :
        DjlInternals.optimizerArrays(optimizer).values()) {
      Map<Device, NDArray> old = state.remove(fromId);
      if (old == null) {
        continue;
      }
      Map<Device, NDArray> carried = new HashMap<>();
      old.forEach(
          (device, array) -> {
            carried.put(device, carry.apply(array));
            array.close();
          });
      state.put(toId, carried);
    }
    Map<String, Integer> counts = DjlInternals.updateCounts(optimizer);
    Integer count = counts.remove(fromId);
    if (count != null) {
      counts.put(toId, count);
    }
  }

  /** Forgets {@code optimizer}'s state and update count of the parameter of id {@code id}. */
  public static void dropOptimizerState(Optimizer optimizer, String id) {
    DjlInternals.optimizerArrays(optimizer).values().forEach(state -> state.remove(id));
    DjlInternals.updateCounts(optimizer).remove(id);
  }

  /** DJL's running sums of the epoch for each of {@code trainer}'s loss and evaluators. */
  public static Map<String, Map<String, Map<String, Double>>> accumulators(Trainer trainer) {
    Map<String, Map<String, Map<String, Double>>> all = new LinkedHashMap<>();
    for (Evaluator evaluator : evaluators(trainer)) {
      Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
      DjlInternals.evaluatorAccumulators(evaluator)
          .forEach(
              (path, live) -> {
                Map<String, Double> values = new LinkedHashMap<>();
                live.forEach((key, value) -> values.put(key, ((Number) value).doubleValue()));
                sums.put(path, values);
              });
      all.put(evaluator.getName(), sums);
    }
    return all;
  }

  /**
   * Puts DJL's running sums of the epoch back into {@code trainer}'s loss and evaluators.
   *
   * @throws IllegalStateException when {@code saved} lacks one of the trainer's evaluators
   */
  public static void restoreAccumulators(
      Trainer trainer, Map<String, Map<String, Map<String, Double>>> saved) {
    for (Evaluator evaluator : evaluators(trainer)) {
      Map<String, Map<String, Double>> sums = saved.get(evaluator.getName());
      if (sums == null) {
        throw new IllegalStateException(
            "the checkpoint holds no running sums of evaluator "
                + evaluator.getName()
                + "; resume with the evaluators it was written with");
      }
      DjlInternals.evaluatorAccumulators(evaluator)
          .forEach(
              (path, live) -> {
                Map<String, Double> values = sums.getOrDefault(path, Map.of());
                boolean longs = path.endsWith(":Long");
                values.forEach(
                    (key, value) ->
                        live.put(
                            key, longs ? (Object) value.longValue() : (Object) value.floatValue()));
              });
    }
  }

  private static List<Evaluator> evaluators(Trainer trainer) {
    List<Evaluator> all = new ArrayList<>();
    all.add(trainer.getLoss());
    all.addAll(trainer.getEvaluators());
    return all;
  }

  private static Map<String, String> idsToNames(Block block) {
    Map<String, String> names = new HashMap<>();
    block.getParameters().forEach(pair -> names.put(pair.getValue().getId(), pair.getKey()));
    return names;
  }
}
