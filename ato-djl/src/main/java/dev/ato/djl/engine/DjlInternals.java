package dev.ato.djl.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL values ato needs and DJL keeps private, reached by reflection in this one place: an
 * optimiser's learning-rate tracker (the projection's step size), the update number it counts from,
 * its state between updates (for checkpoints), a data set's sampler (to count an epoch's batches
 * without reading data), a BatchNorm's settings and a ParallelBlock's join function (to read a
 * model). DJL has no public accessor for any of them in {@value #VERIFIED_VERSION}.
 *
 * <p>Each read either succeeds or fails with an {@link IllegalStateException} that names the DJL
 * version found and the one verified; nothing falls back to a guess. On a DJL version other than
 * the verified one, the first read logs a warning once.
 *
 * <p>Internal to ato: not part of its supported API.
 */
public final class DjlInternals {

  /** The DJL version these reads were written and tested against. */
  public static final String VERIFIED_VERSION = "0.35.1";

  private static final Logger LOG = LoggerFactory.getLogger(DjlInternals.class);
  private static final AtomicBoolean VERSION_CHECKED = new AtomicBoolean();

  private DjlInternals() {}

  /**
   * The learning-rate tracker of any of DJL's optimisers (each keeps its own private field).
   *
   * @throws IllegalArgumentException for an optimiser without one (not one of DJL's)
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  public static ParameterTracker learningRateTracker(Optimizer optimizer) {
    checkVersion();
    for (Class<?> c = optimizer.getClass();
        c != null && c != Optimizer.class;
        c = c.getSuperclass()) {
      Field field;
      try {
        field = c.getDeclaredField("learningRateTracker");
      } catch (NoSuchFieldException e) {
        continue;
      }
      return (ParameterTracker)
          read(field, optimizer, "the learning rate of " + optimizer.getClass().getName());
    }
    throw new IllegalArgumentException(
        "optimizer "
            + optimizer.getClass().getName()
            + " has no "
            + "learning-rate tracker that ato can read (ATO's projection uses the learning rate as "
            + "its step size); use one of DJL's optimizers: Optimizer.sgd(), nag(), adam(), adamW(), "
            + "rmsprop(), adagrad(), adadelta()");
  }

  /**
   * The number of updates an optimiser was told it had already made ({@code optBeginNumUpdate});
   * its first update is this plus one.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  public static int beginNumUpdate(Optimizer optimizer) {
    checkVersion();
    return (Integer)
        read(
            field(Optimizer.class, "beginNumUpdate"),
            optimizer,
            "the first update number of " + optimizer.getClass().getName());
  }

  /**
   * The arrays an optimiser keeps between updates, live and by field: for each of its fields of
   * type {@code Map<String, Map<Device, NDArray>>} (SGD's momentum, Adam's means and variances,
   * ...), that map, keyed by parameter id. Empty for a stateless optimiser; filled lazily by DJL on
   * each parameter's first update, so arrays put in before it are used as they are.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, Map<Device, NDArray>>> optimizerArrays(
      Optimizer optimizer) {
    checkVersion();
    Map<String, Map<String, Map<Device, NDArray>>> states = new TreeMap<>();
    for (Class<?> c = optimizer.getClass();
        c != null && c != Optimizer.class;
        c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        String type = field.getGenericType().getTypeName();
        if (Map.class.equals(field.getType())
            && type.contains(Device.class.getName())
            && type.contains(NDArray.class.getName())) {
          states.put(
              c.getSimpleName() + "." + field.getName(),
              (Map<String, Map<Device, NDArray>>)
                  read(field, optimizer, "the state of " + optimizer.getClass().getName()));
        }
      }
    }
    return states;
  }

  /**
   * How many updates an optimiser made to each parameter, live and keyed by parameter id: the count
   * its learning-rate tracker and Adam's bias correction read.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Integer> updateCounts(Optimizer optimizer) {
    checkVersion();
    return (Map<String, Integer>)
        read(
            field(Optimizer.class, "updateCounts"),
            optimizer,
            "the update counts of " + optimizer.getClass().getName());
  }

  /**
   * The highest update number an optimiser has reached.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  public static int numUpdate(Optimizer optimizer) {
    checkVersion();
    return (Integer)
        read(
            field(Optimizer.class, "numUpdate"),
            optimizer,
            "the update number of " + optimizer.getClass().getName());
  }

  /**
   * Sets the highest update number an optimiser has reached, as when it resumes.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  public static void setNumUpdate(Optimizer optimizer, int numUpdate) {
    checkVersion();
    Field field = field(Optimizer.class, "numUpdate");
    try {
      field.setAccessible(true);
      field.setInt(optimizer, numUpdate);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw unexpected(
          "cannot set the update number of " + optimizer.getClass().getName() + " (" + e + ")", e);
    }
  }

  /**
   * The running sums an evaluator keeps over an epoch, live, by path: for each of its fields of
   * type {@code Map<String, Long>} or {@code Map<String, Float>} (the instances seen, the correct
   * ones, the summed loss), that map, keyed by accumulator ("train_epoch", ...), under {@code
   * Class.field:Long} or {@code :Float}; the components of a composite loss are included under
   * {@code components[i]/}.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, Object>> evaluatorAccumulators(Evaluator evaluator) {
    checkVersion();
    Map<String, Map<String, Object>> sums = new TreeMap<>();
    for (Class<?> c = evaluator.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        String type = field.getGenericType().getTypeName();
        String what = "the running sums of " + evaluator.getClass().getName();
        if (type.equals("java.util.Map<java.lang.String, java.lang.Long>")
            || type.equals("java.util.Map<java.lang.String, java.lang.Float>")) {
          String valueType = type.contains("Long") ? "Long" : "Float";
          sums.put(
              c.getSimpleName() + "." + field.getName() + ":" + valueType,
              (Map<String, Object>) read(field, evaluator, what));
        } else if (type.equals("java.util.List<ai.djl.training.loss.Loss>")) {
          List<Evaluator> components = (List<Evaluator>) read(field, evaluator, what);
          for (int i = 0; i < components.size(); i++) {
            String prefix = field.getName() + "[" + i + "]/";
            evaluatorAccumulators(components.get(i))
                .forEach((path, map) -> sums.put(prefix + path, map));
          }
        }
      }
    }
    return sums;
  }

  /**
   * The sampler a random-access data set batches with.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  public static Sampler sampler(RandomAccessDataset dataset) {
    checkVersion();
    Sampler sampler =
        (Sampler)
            read(
                field(RandomAccessDataset.class, "sampler"),
                dataset,
                "the sampler of " + dataset.getClass().getName());
    if (sampler == null) {
      throw new IllegalArgumentException(
          "data set "
              + dataset.getClass().getName()
              + " has no "
              + "sampler: build it with setSampling(batchSize, shuffle) or optSampler(...)");
    }
    return sampler;
  }

  /**
   * The settings DJL's BatchNorm keeps private, needed to read it and to rebuild it exactly.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  public static BatchNormFields batchNorm(BatchNorm block) {
    checkVersion();
    String what = "a setting of DJL's BatchNorm";
    return new BatchNormFields(
        (Integer) read(field(BatchNorm.class, "axis"), block, what),
        (Float) read(field(BatchNorm.class, "epsilon"), block, what),
        (Float) read(field(BatchNorm.class, "momentum"), block, what),
        (Boolean) read(field(BatchNorm.class, "center"), block, what),
        (Boolean) read(field(BatchNorm.class, "scale"), block, what));
  }

  /**
   * A BatchNorm's private settings.
   *
   * @param axis the axis it normalises
   * @param epsilon added to the variance
   * @param momentum of its running statistics
   * @param center whether it has a shift (beta)
   * @param scale whether it has a scale (gamma)
   */
  public record BatchNormFields(
      int axis, float epsilon, float momentum, boolean center, boolean scale) {}

  /**
   * The function a ParallelBlock joins its branches' outputs with.
   *
   * @throws IllegalStateException when DJL's internals are not as verified
   */
  @SuppressWarnings("unchecked")
  public static Function<List<NDList>, NDList> parallelJoin(ParallelBlock block) {
    checkVersion();
    return (Function<List<NDList>, NDList>)
        read(
            field(ParallelBlock.class, "function"),
            block,
            "the join function of DJL's ParallelBlock");
  }

  private static Field field(Class<?> owner, String name) {
    try {
      return owner.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      throw unexpected(owner.getName() + "." + name + " does not exist", e);
    }
  }

  private static Object read(Field field, Object owner, String what) {
    try {
      field.setAccessible(true);
      return field.get(owner);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw unexpected("cannot read " + what + " (" + e + ")", e);
    }
  }

  private static IllegalStateException unexpected(String detail, Exception cause) {
    return new IllegalStateException(
        "ato cannot use this DJL: "
            + detail
            + "; ato reads it "
            + "from DJL's internals as verified with DJL "
            + VERIFIED_VERSION
            + ", and found DJL "
            + Engine.getDjlVersion()
            + ". Use DJL "
            + VERIFIED_VERSION
            + " with this ato version",
        cause);
  }

  private static void checkVersion() {
    if (VERSION_CHECKED.compareAndSet(false, true)
        && !VERIFIED_VERSION.equals(Engine.getDjlVersion())) {
      LOG.warn(
          "ato reads a few private DJL fields, verified with DJL {}; this is DJL {}: if "
              + "ato fails with 'cannot use this DJL', use DJL {}",
          VERIFIED_VERSION,
          Engine.getDjlVersion(),
          VERIFIED_VERSION);
    }
  }
}
