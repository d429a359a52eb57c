package dev.ato.djl;

import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How the run's parts read a data set's batches. */
final class Batches {

  private Batches() {}

  /**
   * {@code data}'s batches through {@code trainer}, as DJL's training loop reads them; a data set
   * that cannot be read is an error naming {@code what} data it is.
   */
  static Iterable<Batch> of(Trainer trainer, Dataset data, String what) {
    try {
      return trainer.iterateDataset(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " data", e);
    } catch (TranslateException e) {
      throw new IllegalStateException("cannot read the " + what + " data: " + e.getMessage(), e);
    }
  }
}
