package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;
import ai.djl.util.RandomUtils;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random crops with padding and random horizontal flips of a whole batch of images {@code [B, C, H,
 * W]} at once, as DJL's {@code ArrayDataset} hands a batch to its pipeline (its bulk path
 * transforms the stacked batch, not record by record). Attach it with the data set builder's {@code
 * addTransform}, or let {@link InMemoryImageDataset.ImageBuilder#optAugmentation} do so once the
 * normalisation is known.
 *
 * <p>Each image is placed in a frame of {@code padding} pixels of the fill value on every side and
 * an {@code H x W} window is cut from it at an offset drawn uniformly from {@code [0, 2 * padding]}
 * in each direction, so the content moves by up to {@code padding} pixels; with {@link
 * Augmentation#CROP_FLIP} the window is then mirrored left to right with probability 0.5. The fill
 * should be what a black pixel becomes after normalisation ({@link ChannelNormalization#black()}),
 * so that padding looks like the zero padding of the original image.
 *
 * <p>Draws are made for each image in batch order: the row offset, the column offset, then
 * (CROP_FLIP) whether to flip. Without a seed, each batch's draws come from one number drawn from
 * DJL's engine generator ({@code RandomUtils}), the generator ato reseeds from the run's seed at
 * the start of every epoch: a run resumed from a checkpoint augments its batches as the
 * uninterrupted run did. With {@link Builder#optSeed}, they come from one {@link SplittableRandom}
 * stream of this transform, which goes on from batch to batch (for use outside ato's runs). Either
 * way every epoch sees new crops, and a data set's held-out parts, which share its pipeline, draw
 * from the same source. Batches are fetched one at a time unless the trainer has an executor; with
 * one, the order of fetches, and so of draws, is not fixed.
 *
 * <p>The work is done on the host: one copy of the batch out of the engine, a loop, one copy back
 * into the batch's own manager. For the small images this is meant for (CIFAR, MNIST), that is
 * cheaper than a chain of engine calls per image.
 */
public final class BatchAugmentation implements Transform {

  private final Augmentation augmentation;
  private final Integer padding;
  private final float[] fill;
  private final Long seed;
  private final SplittableRandom seeded;

  private BatchAugmentation(Augmentation augmentation, Integer padding, float[] fill, Long seed) {
    this.augmentation = augmentation;
    this.padding = padding;
    this.fill = fill;
    this.seed = seed;
    this.seeded = seed == null ? null : new SplittableRandom(seed);
  }

  /** Starts a builder; the augmentation is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The padding used for images of {@code height x width} unless one is given: {@code
   * round(max(height, width) / 8)}, i.e. 4 pixels for CIFAR's 32x32 and MNIST's 28x28 (the usual 4
   * of the CIFAR recipe), 28 for 224x224.
   */
  public static int defaultPadding(long height, long width) {
    return Math.round(Math.max(height, width) / 8f);
  }

  /** What this transform applies. */
  public Augmentation augmentation() {
    return augmentation;
  }

  /**
   * Augments {@code batch}: a float32 {@code [B, C, H, W]} (or a single image {@code [C, H, W]},
   * treated as a batch of one). Returns a new array of the same shape in the batch's manager, or
   * {@code batch} itself for {@link Augmentation#NONE}.
   *
   * @throws IllegalArgumentException if the array is not float32 images or the fill has neither one
   *     nor {@code C} values
   */
  @Override
  public synchronized NDArray transform(NDArray batch) {
    if (augmentation == Augmentation.NONE) {
      return batch;
    }
    Shape shape = batch.getShape();
    checkArgument(
        shape.dimension() == 4 || shape.dimension() == 3,
        "BatchAugmentation takes images [B, C, H, W] or [C, H, W], got shape %s",
        shape);
    checkArgument(
        batch.getDataType() == DataType.FLOAT32,
        "BatchAugmentation takes float32 images, got %s: convert them first (ToTensor)",
        batch.getDataType());
    int offset = shape.dimension() - 3;
    int images = offset == 0 ? 1 : Math.toIntExact(shape.get(0));
    int channels = Math.toIntExact(shape.get(offset));
    int height = Math.toIntExact(shape.get(offset + 1));
    int width = Math.toIntExact(shape.get(offset + 2));
    checkArgument(
        fill.length == 1 || fill.length == channels,
        "the fill has %s values %s but the images have %s channels: give one value, or one per "
            + "channel",
        fill.length,
        Arrays.toString(fill),
        channels);
    int pad = padding != null ? padding : defaultPadding(height, width);

    SplittableRandom random =
        seeded != null ? seeded : new SplittableRandom(RandomUtils.RANDOM.nextLong());
    float[] in = batch.toFloatArray();
    float[] out = new float[in.length];
    int plane = height * width;
    for (int image = 0; image < images; image++) {
      int dy = random.nextInt(2 * pad + 1) - pad;
      int dx = random.nextInt(2 * pad + 1) - pad;
      boolean flip = augmentation.flips() && random.nextBoolean();
      for (int c = 0; c < channels; c++) {
        int base = (image * channels + c) * plane;
        float value = fill[fill.length == 1 ? 0 : c];
        for (int y = 0; y < height; y++) {
          int sy = y + dy;
          boolean rowInside = sy >= 0 && sy < height;
          for (int x = 0; x < width; x++) {
            int sx = (flip ? width - 1 - x : x) + dx;
            out[base + y * width + x] =
                rowInside && sx >= 0 && sx < width ? in[base + sy * width + sx] : value;
          }
        }
      }
    }
    return batch.getManager().create(out, shape);
  }

  @Override
  public String toString() {
    return "BatchAugmentation("
        + augmentation
        + ", padding "
        + (padding == null ? "max(H, W) / 8" : padding)
        + ", fill "
        + Arrays.toString(fill)
        + (seed == null ? ", draws from the engine's generator)" : ", seed " + seed + ")");
  }

  /**
   * Builds a {@link BatchAugmentation}; {@code set*} options are required, {@code opt*} ones
   * optional, each may be given once, and {@link #build()} checks them.
   */
  public static final class Builder {

    private Augmentation augmentation;
    private Long seed;
    private Integer padding;
    private float[] fill;

    private Builder() {}

    /** What to apply. */
    public Builder setAugmentation(Augmentation augmentation) {
      checkState(
          this.augmentation == null, "setAugmentation was already set to %s", this.augmentation);
      this.augmentation = checkNotNull(augmentation, "augmentation must not be null");
      return this;
    }

    /**
     * Draws from a stream of this seed instead of the engine's generator: repeatable outside ato's
     * runs, but not across a resume.
     */
    public Builder optSeed(long seed) {
      checkState(this.seed == null, "optSeed was already set to %s", this.seed);
      this.seed = seed;
      return this;
    }

    /**
     * Pixels of padding on each side, the largest shift (at least 0); by default {@link
     * #defaultPadding} of the images' size.
     */
    public Builder optPadding(int padding) {
      checkState(this.padding == null, "optPadding was already set to %s", this.padding);
      this.padding = padding;
      return this;
    }

    /**
     * The value of the padding: one for all channels or one per channel; by default 0. Pass {@link
     * ChannelNormalization#black()} for normalised images.
     */
    public Builder optFill(float... fill) {
      checkState(this.fill == null, "optFill was already set to %s", Arrays.toString(this.fill));
      this.fill = checkNotNull(fill, "fill must not be null").clone();
      return this;
    }

    /**
     * Checks the options and makes the transform; may be called again, each call giving a transform
     * with a fresh random stream from the seed, if one was given.
     */
    public BatchAugmentation build() {
      checkState(
          augmentation != null,
          "no augmentation: call setAugmentation(%s)",
          Arrays.toString(Augmentation.values()));
      checkArgument(
          padding == null || padding >= 0,
          "the padding must be at least 0, got %s: pass the largest shift in pixels",
          padding);
      checkArgument(
          fill == null || fill.length > 0, "optFill needs one value, or one per channel, got none");
      return new BatchAugmentation(
          augmentation, padding, fill == null ? new float[] {0f} : fill.clone(), seed);
    }
  }
}
