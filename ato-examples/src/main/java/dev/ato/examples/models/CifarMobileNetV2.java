package dev.ato.examples.models;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;

/**
 * MobileNetV2 (Sandler et al., 2018) in the variant that the ATO paper prunes on CIFAR, as plain
 * DJL blocks: the stem and the second stage keep stride 1 (small images would otherwise shrink to
 * nothing), the rest is the paper's table of inverted residuals, a 1x1 convolution to 1280
 * features, global average pooling and a linear classifier.
 *
 * <p>An inverted residual expands its input by {@code t} with a 1x1 convolution, filters each
 * channel with a 3x3 depthwise convolution and projects back with a linear 1x1 convolution; when
 * stride is 1 and widths match, the input is added back. Every join is a plain sum, so each step is
 * visible to ato's reader. The width multiplier scales every width to a multiple of 8, as the paper
 * does, and the last convolution keeps 1280 features unless the multiplier exceeds 1.
 */
public final class CifarMobileNetV2 {

  /** The paper's table: expansion t, output channels c, repeats n, first stride s (CIFAR). */
  private static final int[][] STAGES = {
    {1, 16, 1, 1},
    {6, 24, 2, 1},
    {6, 32, 3, 2},
    {6, 64, 4, 2},
    {6, 96, 3, 1},
    {6, 160, 3, 2},
    {6, 320, 1, 1},
  };

  private static final int STEM = 32;
  private static final int LAST = 1280;

  private CifarMobileNetV2() {}

  /** The paper's rounding: to the nearest multiple of 8, never below 90% of the value. */
  static int divisible(double value) {
    int rounded = Math.max(8, (int) (value + 4) / 8 * 8);
    return rounded < 0.9 * value ? rounded + 8 : rounded;
  }

  /** Starts a builder; {@link Builder#setClasses} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CifarMobileNetV2} block. Setting an option twice is an error. */
  public static final class Builder {
    private int classes;
    private double width = Double.NaN;

    private Builder() {}

    /** Sets the number of classes. Required. */
    public Builder setClasses(int classes) {
      checkState(this.classes == 0, "classes was already set to %s", this.classes);
      checkArgument(classes >= 1, "a classifier needs at least 1 class, found %s", classes);
      this.classes = classes;
      return this;
    }

    /** Sets the width multiplier, e.g. 0.5 for half the channels (default 1). */
    public Builder optWidth(double width) {
      checkState(Double.isNaN(this.width), "width was already set to %s", this.width);
      checkArgument(
          width > 0 && width <= 4, "the width multiplier must lie in (0, 4], found %s", width);
      this.width = width;
      return this;
    }

    /** Builds the block; may be called again. */
    public Block build() {
      checkState(classes > 0, "setClasses(...) is required");
      double multiplier = Double.isNaN(width) ? 1 : width;
      int channels = divisible(STEM * multiplier);
      SequentialBlock net =
          new SequentialBlock()
              .add(conv(channels, 3, 1, 1))
              .add(BatchNorm.builder().build())
              .add(Activation.relu6Block());
      for (int[] stage : STAGES) {
        int out = divisible(stage[1] * multiplier);
        for (int repeat = 0; repeat < stage[2]; repeat++) {
          int stride = repeat == 0 ? stage[3] : 1;
          net.add(invertedResidual(channels, out, stage[0], stride));
          channels = out;
        }
      }
      return net.add(conv(multiplier > 1 ? divisible(LAST * multiplier) : LAST, 1, 1, 1))
          .add(BatchNorm.builder().build())
          .add(Activation.relu6Block())
          .add(Pool.globalAvgPool2dBlock())
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(classes).build());
    }

    private static Block invertedResidual(int in, int out, int expansion, int stride) {
      int hidden = in * expansion;
      SequentialBlock body = new SequentialBlock();
      if (expansion != 1) {
        body.add(conv(hidden, 1, 1, 1))
            .add(BatchNorm.builder().build())
            .add(Activation.relu6Block());
      }
      body.add(conv(hidden, 3, stride, hidden))
          .add(BatchNorm.builder().build())
          .add(Activation.relu6Block())
          .add(conv(out, 1, 1, 1))
          .add(BatchNorm.builder().build());
      if (stride != 1 || in != out) {
        return body;
      }
      return new ParallelBlock(
          list ->
              new NDList(
                  NDArrays.add(list.get(0).singletonOrThrow(), list.get(1).singletonOrThrow())),
          Arrays.asList(body, Blocks.identityBlock()));
    }

    private static Conv2d conv(int filters, int kernel, int stride, int groups) {
      return Conv2d.builder()
          .setFilters(filters)
          .setKernelShape(new Shape(kernel, kernel))
          .optStride(new Shape(stride, stride))
          .optPadding(new Shape(kernel / 2, kernel / 2))
          .optGroups(groups)
          .optBias(false)
          .build();
    }
  }
}
