package dev.ato.spark;

import com.google.common.collect.AbstractIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One partition's scoring, inside {@code mapPartitions}: rows are read and checked one by one, and
 * the good ones go through the network a batch at a time. Each task runs the network through a
 * session of its own, closed when the task ends, whether or not its rows were all read.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  private final SparkScorer scorer;
  private final HadoopFiles files;
  private final InputColumn input;
  private final String rowIdColumn;
  private final int rowIdIndex;
  private final int inputWidth;

  /**
   * @param rowIdColumn the column that names rows in errors, or null
   * @param rowIdIndex its index, or -1
   * @param inputWidth the columns of the rows scored
   */
  PartitionScorer(
      SparkScorer scorer,
      HadoopFiles files,
      InputColumn input,
      String rowIdColumn,
      int rowIdIndex,
      int inputWidth) {
    this.scorer = scorer;
    this.files = files;
    this.input = input;
    this.rowIdColumn = rowIdColumn;
    this.rowIdIndex = rowIdIndex;
    this.inputWidth = inputWidth;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    ScoringNetwork network = ExecutorModels.get(scorer.model(), files);
    ModelInput modelInput =
        new ModelInput(network.inputShape(), scorer.mean().orElse(null), scorer.std().orElse(null));
    ScoringNetwork.Session session = network.newSession();
    if (task == null) {
      // Called outside a Spark task: the session goes when the rows run out.
      return new ScoredRows(rows, session, modelInput, 0, true);
    }
    task.addTaskCompletionListener((TaskCompletionListener) context -> session.close());
    return new ScoredRows(rows, session, modelInput, task.partitionId(), false);
  }

  /** The partition's rows with their outputs, computed a batch ahead of the reader. */
  private final class ScoredRows extends AbstractIterator<Row> {
    private final Iterator<Row> rows;
    private final ScoringNetwork.Session session;
    private final ModelInput modelInput;
    private final int partition;
    private final boolean closesSession;
    private final Deque<Row> ready = new ArrayDeque<>();
    private long rowsRead;
    private boolean vectorPerRow;

    ScoredRows(
        Iterator<Row> rows,
        ScoringNetwork.Session session,
        ModelInput modelInput,
        int partition,
        boolean closesSession) {
      this.rows = rows;
      this.session = session;
      this.modelInput = modelInput;
      this.partition = partition;
      this.closesSession = closesSession;
    }

    @Override
    protected Row computeNext() {
      if (ready.isEmpty() && rows.hasNext()) {
        scoreNextBatch();
      }
      if (ready.isEmpty()) {
        if (closesSession) {
          session.close();
        }
        return endOfData();
      }
      return ready.poll();
    }

    private void scoreNextBatch() {
      List<Row> batch = new ArrayList<>();
      List<float[]> inputs = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      while (rows.hasNext() && inputs.size() < scorer.batchSize()) {
        Row row = rows.next();
        long place = rowsRead++;
        batch.add(row);
        try {
          inputs.add(input.read(row, modelInput));
          errors.add(null);
        } catch (BadRow bad) {
          String message = describe(row, place) + " cannot be scored: " + bad.getMessage();
          if (!scorer.keepsBadRows()) {
            throw new IllegalArgumentException(message);
          }
          inputs.add(null);
          errors.add(message);
        }
      }
      float[][] logits = forward(inputs);
      for (int i = 0; i < batch.size(); i++) {
        ready.add(withOutputs(batch.get(i), logits[i], errors.get(i)));
      }
    }

    /** The logits of each input, null where the input is; one forward pass for all of them. */
    private float[][] forward(List<float[]> inputs) {
      float[][] logits = new float[inputs.size()][];
      int good = (int) inputs.stream().filter(x -> x != null).count();
      if (good == 0) {
        return logits;
      }
      int size = modelInput.size();
      float[] flat = new float[good * size];
      int at = 0;
      for (float[] x : inputs) {
        if (x != null) {
          System.arraycopy(x, 0, flat, at * size, size);
          at++;
        }
      }
      long[] shape = new long[modelInput.shape().length + 1];
      shape[0] = good;
      System.arraycopy(modelInput.shape(), 0, shape, 1, shape.length - 1);
      ScoringNetwork.Outputs output;
      try {
        output = session.forward(flat, shape);
      } catch (Exception e) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "the network failed on a batch of %d rows of partition %d: %s",
                good,
                partition,
                e.getMessage()),
            e);
      }
      float[] values = output.values();
      vectorPerRow = output.shape().length == 2;
      int perRow = values.length / good;
      at = 0;
      for (int i = 0; i < logits.length; i++) {
        if (inputs.get(i) != null) {
          logits[i] = new float[perRow];
          System.arraycopy(values, at * perRow, logits[i], 0, perRow);
          at++;
        }
      }
      return logits;
    }

    private Row withOutputs(Row row, float[] logits, String error) {
      Object[] values = new Object[inputWidth + (scorer.keepsBadRows() ? 3 : 2)];
      for (int c = 0; c < inputWidth; c++) {
        values[c] = row.get(c);
      }
      values[inputWidth] = logits;
      values[inputWidth + 1] = logits == null || !vectorPerRow ? null : argmax(logits);
      if (scorer.keepsBadRows()) {
        values[inputWidth + 2] = error;
      }
      return RowFactory.create(values);
    }

    private String describe(Row row, long place) {
      String where = String.format(Locale.ROOT, "row %d of partition %d", place, partition);
      if (rowIdIndex < 0) {
        return where;
      }
      return where + " (" + rowIdColumn + " = " + row.get(rowIdIndex) + ")";
    }
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
