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
 * The CIFAR-style ResNet of He et al. (2016) as plain DJL blocks: a 3x3 stem, three stages of basic
 * units (two 3x3 convolutions with batch norm) whose width doubles and resolution halves from stage
 * to stage, global average pooling and a linear classifier. Depth is {@code 6n + 2} (8, 14, 20, 32,
 * 56...). A unit that changes width or stride has a 1x1 convolution with batch norm as shortcut.
 *
 * <p>DJL's own {@code ResNetV1} builds bottlenecks even for small depths and, at 32x32, a stem
 * without batch norm; this is the network the ATO paper prunes on CIFAR. Residual joins are a plain
 * sum followed by a separate ReLU block, so every step is visible to ato's reader.
 */
public final class CifarResNet {

  private CifarResNet() {}

  /** Starts a builder; {@link Builder#setDepth} and {@link Builder#setClasses} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CifarResNet} block. Setting an option twice is an error. */
  public static final class Builder {
    private int depth;
    private int classes;
    private int width;

    private Builder() {}

    /** Sets the depth, {@code 6n + 2} for some n >= 1. Required. */
    public Builder setDepth(int depth) {
      checkState(this.depth == 0, "depth was already set to %s", this.depth);
      checkArgument(
          depth >= 8 && (depth - 2) % 6 == 0,
          "a CIFAR ResNet has depth 6n + 2 (8, 14, 20, 32, 56, 110), found %s",
          depth);
      this.depth = depth;
      return this;
    }

    /** Sets the number of classes. Required. */
    public Builder setClasses(int classes) {
      checkState(this.classes == 0, "classes was already set to %s", this.classes);
      checkArgument(classes >= 1, "a classifier needs at least 1 class, found %s", classes);
      this.classes = classes;
      return this;
    }

    /** Sets the width of the first stage (default 16; stages have w, 2w and 4w channels). */
    public Builder optWidth(int width) {
      checkState(this.width == 0, "width was already set to %s", this.width);
      checkArgument(width >= 1, "the width must be positive, found %s", width);
      this.width = width;
      return this;
    }

    /** Builds the block; may be called again. */
    public Block build() {
      checkState(depth > 0, "setDepth(...) is required");
      checkState(classes > 0, "setClasses(...) is required");
      int base = width == 0 ? 16 : width;
      int units = (depth - 2) / 6;
      SequentialBlock net =
          new SequentialBlock()
              .add(conv(base, 3, 1))
              .add(BatchNorm.builder().build())
              .add(Activation.reluBlock());
      int channels = base;
      for (int stage = 0; stage < 3; stage++) {
        int stageWidth = base << stage;
        for (int unit = 0; unit < units; unit++) {
          int stride = stage > 0 && unit == 0 ? 2 : 1;
          net.add(unit(channels, stageWidth, stride)).add(Activation.reluBlock());
          channels = stageWidth;
        }
      }
      return net.add(Pool.globalAvgPool2dBlock())
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(classes).build());
    }

    private static Block unit(int in, int out, int stride) {
      SequentialBlock residual =
          new SequentialBlock()
              .add(conv(out, 3, stride))
              .add(BatchNorm.builder().build())
              .add(Activation.reluBlock())
              .add(conv(out, 3, 1))
              .add(BatchNorm.builder().build());
      Block shortcut =
          in == out && stride == 1
              ? Blocks.identityBlock()
              : new SequentialBlock()
                  .add(
                      Conv2d.builder()
                          .setFilters(out)
                          .setKernelShape(new Shape(1, 1))
                          .optStride(new Shape(stride, stride))
                          .optBias(false)
                          .build())
                  .add(BatchNorm.builder().build());
      return new ParallelBlock(
          list ->
              new NDList(
                  NDArrays.add(list.get(0).singletonOrThrow(), list.get(1).singletonOrThrow())),
          Arrays.asList(residual, shortcut));
    }

    private static Conv2d conv(int filters, int kernel, int stride) {
      return Conv2d.builder()
          .setFilters(filters)
          .setKernelShape(new Shape(kernel, kernel))
          .optStride(new Shape(stride, stride))
          .optPadding(new Shape(kernel / 2, kernel / 2))
          .optBias(false)
          .build();
    }
  }
}
