package dev.ato.djl.testing;

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
import java.util.List;

/**
 * The two CIFAR-style networks the library's tests train, block for block the ones {@code
 * ato-examples} offers its users (which this module cannot depend on): a ResNet of depth {@code 6n
 * + 2} with 1x1 projection shortcuts, and MobileNetV2 with stride-1 early stages.
 */
public final class CifarNetworks {

  /** MobileNetV2's stages for small images: expansion, width, repeats, first stride. */
  private static final int[][] INVERTED_RESIDUALS = {
    {1, 16, 1, 1},
    {6, 24, 2, 1},
    {6, 32, 3, 2},
    {6, 64, 4, 2},
    {6, 96, 3, 1},
    {6, 160, 3, 2},
    {6, 320, 1, 1}
  };

  private CifarNetworks() {}

  /** A ResNet of {@code depth = 6n + 2} whose three stages have w, 2w and 4w channels. */
  public static Block resNet(int depth, int classes, int width) {
    SequentialBlock net = convBnAct(new SequentialBlock(), width, 3, 1, 1, Activation.reluBlock());
    int in = width;
    for (int stage = 0; stage < 3; stage++) {
      for (int unit = 0; unit < (depth - 2) / 6; unit++) {
        int out = width << stage;
        int stride = stage > 0 && unit == 0 ? 2 : 1;
        SequentialBlock body =
            convBnAct(new SequentialBlock(), out, 3, stride, 1, Activation.reluBlock());
        body.add(convolution(out, 3, 1, 1)).add(BatchNorm.builder().build());
        Block shortcut =
            in == out && stride == 1
                ? Blocks.identityBlock()
                : new SequentialBlock()
                    .add(convolution(out, 1, stride, 1))
                    .add(BatchNorm.builder().build());
        net.add(sum(body, shortcut)).add(Activation.reluBlock());
        in = out;
      }
    }
    return classifier(net, classes);
  }

  /** A ResNet of {@code depth} with 16, 32 and 64 channels. */
  public static Block resNet(int depth, int classes) {
    return resNet(depth, classes, 16);
  }

  /** MobileNetV2 with every width scaled by {@code multiplier} (to multiples of 8). */
  public static Block mobileNetV2(int classes, double multiplier) {
    int in = roundToEight(32 * multiplier);
    SequentialBlock net = convBnAct(new SequentialBlock(), in, 3, 1, 1, Activation.relu6Block());
    for (int[] stage : INVERTED_RESIDUALS) {
      int out = roundToEight(stage[1] * multiplier);
      for (int repeat = 0; repeat < stage[2]; repeat++) {
        int stride = repeat == 0 ? stage[3] : 1;
        int hidden = in * stage[0];
        SequentialBlock body = new SequentialBlock();
        if (stage[0] != 1) {
          convBnAct(body, hidden, 1, 1, 1, Activation.relu6Block());
        }
        convBnAct(body, hidden, 3, stride, hidden, Activation.relu6Block());
        body.add(convolution(out, 1, 1, 1)).add(BatchNorm.builder().build());
        net.add(stride == 1 && in == out ? sum(body, Blocks.identityBlock()) : body);
        in = out;
      }
    }
    int last = multiplier > 1 ? roundToEight(1280 * multiplier) : 1280;
    return classifier(convBnAct(net, last, 1, 1, 1, Activation.relu6Block()), classes);
  }

  private static int roundToEight(double value) {
    int rounded = Math.max(8, (int) (value + 4) / 8 * 8);
    return rounded < 0.9 * value ? rounded + 8 : rounded;
  }

  private static SequentialBlock convBnAct(
      SequentialBlock into, int filters, int kernel, int stride, int groups, Block activation) {
    return into.add(convolution(filters, kernel, stride, groups))
        .add(BatchNorm.builder().build())
        .add(activation);
  }

  private static Conv2d convolution(int filters, int kernel, int stride, int groups) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  private static Block sum(Block body, Block shortcut) {
    return new ParallelBlock(
        parts -> new NDList(parts.get(0).singletonOrThrow().add(parts.get(1).singletonOrThrow())),
        List.of(body, shortcut));
  }

  private static Block classifier(SequentialBlock net, int classes) {
    return net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }
}
