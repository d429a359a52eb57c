package dev.ato.djl;

import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How the run's parts read a data set: one error for data that cannot be read, wherever. */
final class Batches {

  private Batches() {}

  /** A read of a data set: DJL's reads throw these two. */
  @FunctionalInterface
  interface Read<T> {
    T run() throws IOException, TranslateException;
  }

  /**
   * What {@code read} gives; a data set that cannot be read is an error naming {@code what} data it
   * is: unchecked for a failed read, an {@link IllegalStateException} for failed transforms.
   */
  static <T> T reading(String what, Read<T> read) {
    try {
      return read.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " data", e);
    } catch (TranslateException e) {
      throw new IllegalStateException("cannot read the " + what + " data: " + e.getMessage(), e);
    }
  }

  /** {@code data}'s batches through {@code trainer}, as DJL's training loop reads them. */
  static Iterable<Batch> of(Trainer trainer, Dataset data, String what) {
    return reading(what, () -> trainer.iterateDataset(data));
  }
}
