package dev.ato.spark;

import dev.ato.djl.AutoTrainOnceBuilder;
import java.io.Serializable;

/**
 * What a budget sweep trains at each point: the run's builder with the model, the data and every
 * setting the points share. It runs on an executor, so it builds the model and reads the data
 * there; it is serialised to get there, so it captures settings (numbers, paths as strings: a
 * {@code java.nio.file.Path} is not serialisable), not models or data sets. The sweep sets the
 * point's FLOPs reduction, its seed and the checkpoints: leave those unset, and give the settings
 * one by one rather than with {@code optConfig}, which would fix the reduction. The data sets it
 * makes live until they are collected as garbage; a run whose data holds native memory can close it
 * from a training listener's {@code onTrainingEnd}.
 *
 * <pre>{@code
 * SweepRun run = point -> AutoTrainOnce.builder()
 *     .setBlock(resNet20())                   // your network, made on the executor
 *     .setInputShape(new Shape(1, 1, 28, 28))
 *     .setTrainingData(fashionMnistTrain(dir)) // your data, read there
 *     .optValidationData(fashionMnistTest(dir))
 *     .setEpochs(12);
 * }</pre>
 */
@FunctionalInterface
public interface SweepRun extends Serializable {

  /**
   * The builder of the run at {@code point}.
   *
   * @throws Exception when the model or the data cannot be made; the task fails, and Spark retries
   *     it
   */
  AutoTrainOnceBuilder prepare(SweepPoint point) throws Exception;
}
