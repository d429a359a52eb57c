package dev.ato.djl.testing;

import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.basicmodelzoo.cv.classification.SqueezeNet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import dev.ato.djl.tensor.InPlace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Models the DJL tests read: DJL's own zoo definitions and small hand-made ones. */
public final class TestModels {

  private static final int CALIBRATION_PASSES = 20;

  private TestModels() {}

  /** DJL's ResNetV1 with 50 layers (bottlenecks), 64x64 input (a 7x7 stem and max pool). */
  public static Block zooResNet50(int classes) {
    return ResNetV1.builder()
        .setImageShape(new Shape(3, 64, 64))
        .setNumLayers(50)
        .setOutSize(classes)
        .build();
  }

  /** DJL's MobileNetV2 (its default widths), for 32x32 input. */
  public static Block zooMobileNetV2(int classes) {
    return MobileNetV2.builder().setOutSize(classes).build();
  }

  /**
   * DJL's SqueezeNet (version 1.1's layout: a 3x3/2 stem, eight fire modules, 3x3/2 max pools that
   * round their output size up).
   */
  public static Block zooSqueezeNet(int classes) {
    return SqueezeNet.squeezenet(classes);
  }

  /**
   * A CNN with an inception-like concat: stem conv(8) -> [conv1x1(4) | conv3x3(6)+BN+ReLU] ->
   * concat(10) -> conv(12) -> BN -> ReLU -> max pool -> global avg pool -> flatten -> linear.
   */
  public static Block concatCnn(int classes) {
    SequentialBlock left = new SequentialBlock().add(conv(4, 1, 0, 1)).add(Activation.reluBlock());
    SequentialBlock right =
        new SequentialBlock()
            .add(conv(6, 3, 1, 1))
            .add(BatchNorm.builder().build())
            .add(Activation::relu);
    return new SequentialBlock()
        .add(conv(8, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(
            new ParallelBlock(
                list ->
                    new NDList(
                        NDArrays.concat(
                            new NDList(
                                list.get(0).singletonOrThrow(), list.get(1).singletonOrThrow()),
                            1)),
                Arrays.asList(left, right)))
        .add(conv(12, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.relu6Block())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /**
   * A CNN holding a block of the user's own ({@link ChannelScale}): conv(8) -> BN -> ReLU -> scale
   * -> conv(6) -> ReLU -> global avg pool -> flatten -> linear.
   */
  public static Block customBlockCnn(int classes) {
    return new SequentialBlock()
        .add(conv(8, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(new ChannelScale(8))
        .add(conv(6, 3, 1, 1))
        .add(Activation.reluBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /**
   * A CNN pooling as DJL's SqueezeNet does, rounding output sizes up, for 8x8 input: conv(6) -> BN
   * -> ReLU -> 3x3/2 max pool (ceil: 4x4, where floor gives 3x3) -> conv(8) -> ReLU -> 3x3/2
   * average pool with padding 1 (ceil: 3x3, where floor gives 2x2) -> flatten (72) -> linear.
   */
  public static Block ceilPoolCnn(int classes) {
    return new SequentialBlock()
        .add(conv(6, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), true))
        .add(conv(8, 3, 1, 1))
        .add(Activation.reluBlock())
        .add(Pool.avgPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), true))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /**
   * A fully convolutional network with one logit per pixel, as a segmentation head has: two 3x3
   * convolutions of {@code width} channels with batch norm and ReLU, then a 1x1 convolution to one
   * channel.
   */
  public static SequentialBlock perPixelHead(int width) {
    return new SequentialBlock()
        .add(conv(width, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(conv(width, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(conv(1, 1, 0, 1));
  }

  /** Every element-wise function the reader knows, as a DJL block, by the name ato gives it. */
  public static Map<String, Supplier<Block>> elementWiseFunctions() {
    Map<String, Supplier<Block>> functions = new LinkedHashMap<>();
    functions.put("relu", Activation::reluBlock);
    functions.put("relu6", Activation::relu6Block);
    functions.put("sigmoid", Activation::sigmoidBlock);
    functions.put("tanh", Activation::tanhBlock);
    functions.put("softplus", Activation::softPlusBlock);
    functions.put("gelu", Activation::geluBlock);
    functions.put("silu", () -> Activation.swishBlock(1f));
    functions.put("mish", Activation::mishBlock);
    functions.put("selu", Activation::seluBlock);
    functions.put("elu", () -> Activation.eluBlock(1f));
    functions.put("softsign", Activation::softSignBlock);
    functions.put("leaky relu", () -> Activation.leakyReluBlock(0.1f));
    return functions;
  }

  /** A convolution, a batch norm and {@code function}, then a 1x1 convolution to 2 channels. */
  public static Block convolutionThen(Block function) {
    return new SequentialBlock()
        .add(conv(6, 3, 1, 1))
        .add(BatchNorm.builder().build())
        .add(function)
        .add(conv(2, 1, 0, 1));
  }

  public static Conv2d conv(int filters, int kernel, int padding, int groups) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optPadding(new Shape(padding, padding))
        .optGroups(groups)
        .build();
  }

  /**
   * Initialises {@code block} for {@code input} with weights and batch-norm parameters that are not
   * trivial, so that a wrong reading shows in the outputs, then calibrates the running statistics
   * with a few training-mode passes, as training would: without that, activations of deep residual
   * networks grow to 1e7 and float rounding alone exceeds the 1e-4 tolerance.
   */
  public static Block initialise(Block block, NDManager manager, Shape input) {
    block.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
    block.initialize(manager, DataType.FLOAT32, input);
    int index = 0;
    for (var pair : block.getParameters()) {
      NDArray array = pair.getValue().getArray();
      String name = pair.getValue().getName();
      float shift = 0.05f * (index++ % 7);
      if (name.equals("runningVar")) {
        InPlace.copy(array.onesLike().add(shift).toFloatArray(), array);
      } else if (name.equals("runningMean") || name.equals("beta") || name.equals("bias")) {
        InPlace.copy(
            manager.randomNormal(0, 0.1f, array.getShape(), DataType.FLOAT32).toFloatArray(),
            array);
      } else if (name.equals("gamma")) {
        InPlace.copy(manager.randomUniform(0.5f, 1.5f, array.getShape()).toFloatArray(), array);
      }
    }
    Shape batch = new Shape(4).addAll(input.slice(1));
    try (NDManager scope = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(scope, false);
      for (int pass = 0; pass < CALIBRATION_PASSES; pass++) {
        block.forward(store, new NDList(scope.randomNormal(batch)), true);
      }
    }
    return block;
  }
}
