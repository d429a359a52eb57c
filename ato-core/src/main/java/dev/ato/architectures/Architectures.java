package dev.ato.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Layer.Activation;
import dev.ato.graph.Layer.BatchNorm;
import dev.ato.graph.Layer.Conv2d;
import dev.ato.graph.Layer.PoolKind;

/**
 * Channel-flow declarations of well-known architectures, for estimating their groups and costs
 * without an engine, and as references the engine bindings are checked against. Layer names are
 * hierarchical: {@code stage2.unit0.conv1}, {@code block3.dw_conv}.
 */
public final class Architectures {

  private Architectures() {}

  /**
   * The CIFAR ResNet of He et al. (2016), depth {@code 6n + 2} (20, 32, 44, 56, 110): a 3x3 stem of
   * 16 channels, three stages of {@code n} basic units with 16, 32 and 64 channels, global average
   * pooling and a linear classifier. Where a unit changes width or stride its shortcut is a 1x1
   * convolution with batch norm (option B), so every channel has parameters to prune.
   *
   * @param depth 6n + 2 for some n >= 1
   * @param input the input shape, e.g. {@code spatial(3, 32, 32)}
   * @param classes number of outputs
   */
  public static ChannelGraph resnetCifar(int depth, ChannelShape input, int classes) {
    checkArgument(
        depth >= 8 && (depth - 2) % 6 == 0,
        "a CIFAR ResNet has depth 6n + 2 (20, 32, 44, 56, 110), found %s",
        depth);
    int units = (depth - 2) / 6;
    ChannelGraph.Builder b = ChannelGraph.builder("resnet" + depth + "-cifar");
    String x = b.input("data", input);
    x = convBn(b, "stem.conv", "stem.bn", x, conv(16, 3, 1, 1, 1));
    x = b.add("stem.relu", Activation.RELU, x);
    int channels = 16;
    for (int stage = 1; stage <= 3; stage++) {
      int width = 16 << (stage - 1);
      for (int unit = 0; unit < units; unit++) {
        String p = "stage" + stage + ".unit" + unit + ".";
        int stride = stage > 1 && unit == 0 ? 2 : 1;
        String y = convBn(b, p + "conv1", p + "bn1", x, conv(width, 3, stride, 1, 1));
        y = b.add(p + "relu1", Activation.RELU, y);
        y = convBn(b, p + "conv2", p + "bn2", y, conv(width, 3, 1, 1, 1));
        String shortcut =
            stride != 1 || channels != width
                ? convBn(
                    b, p + "downsample_conv", p + "downsample_bn", x, conv(width, 1, stride, 0, 1))
                : x;
        x = b.add(p + "relu", Activation.RELU, b.add(p + "add", new Layer.Add(), y, shortcut));
        channels = width;
      }
    }
    return head(b, x, classes);
  }

  /**
   * ResNet-50 for 224x224 ImageNet input, as in torchvision (stride in the 3x3 convolution of each
   * bottleneck, "v1.5"): 7x7 stem and max pool, stages of 3, 4, 6 and 3 bottlenecks of width 64 to
   * 512 (outputs 4x wider), global average pooling, linear classifier.
   */
  public static ChannelGraph resnet50(int classes) {
    ChannelGraph.Builder b = ChannelGraph.builder("resnet50");
    String x = b.input("data", ChannelShape.spatial(3, 224, 224));
    x = convBn(b, "stem.conv", "stem.bn", x, conv(64, 7, 2, 3, 1));
    x = b.add("stem.relu", Activation.RELU, x);
    x = b.add("stem.pool", new Layer.Pool2d(PoolKind.MAX, 3, 2, 1), x);
    int[] units = {3, 4, 6, 3};
    int channels = 64;
    for (int stage = 1; stage <= 4; stage++) {
      int width = 64 << (stage - 1);
      for (int unit = 0; unit < units[stage - 1]; unit++) {
        String p = "stage" + stage + ".unit" + unit + ".";
        int stride = stage > 1 && unit == 0 ? 2 : 1;
        String y = convBn(b, p + "conv1", p + "bn1", x, conv(width, 1, 1, 0, 1));
        y = b.add(p + "relu1", Activation.RELU, y);
        y = convBn(b, p + "conv2", p + "bn2", y, conv(width, 3, stride, 1, 1));
        y = b.add(p + "relu2", Activation.RELU, y);
        y = convBn(b, p + "conv3", p + "bn3", y, conv(4 * width, 1, 1, 0, 1));
        String shortcut =
            unit == 0
                ? convBn(
                    b,
                    p + "downsample_conv",
                    p + "downsample_bn",
                    x,
                    conv(4 * width, 1, stride, 0, 1))
                : x;
        x = b.add(p + "relu", Activation.RELU, b.add(p + "add", new Layer.Add(), y, shortcut));
        channels = 4 * width;
      }
    }
    checkArgument(channels == 2048, "ResNet-50 ends with 2048 channels");
    return head(b, x, classes);
  }

  /**
   * MobileNetV2 (Sandler et al., 2018) for 224x224 input, as in torchvision: a strided 3x3 stem, 17
   * inverted residuals (1x1 expansion, 3x3 depthwise, 1x1 linear projection; a residual add where
   * stride is 1 and width unchanged), a 1x1 convolution to 1280 channels, global average pooling
   * and a linear classifier. ReLU6 throughout.
   *
   * @param classes number of outputs
   * @param widthMultiplier scales every width (rounded to multiples of 8); 1.0 is the standard net
   */
  public static ChannelGraph mobileNetV2(int classes, double widthMultiplier) {
    checkArgument(
        widthMultiplier > 0, "the width multiplier must be positive, found %s", widthMultiplier);
    int[][] settings = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    ChannelGraph.Builder b = ChannelGraph.builder("mobilenetv2");
    String x = b.input("data", ChannelShape.spatial(3, 224, 224));
    int channels = divisible(32 * widthMultiplier);
    x = convBn(b, "stem.conv", "stem.bn", x, conv(channels, 3, 2, 1, 1));
    x = b.add("stem.relu6", Activation.RELU6, x);
    int block = 0;
    for (int[] setting : settings) {
      int expansion = setting[0];
      int width = divisible(setting[1] * widthMultiplier);
      for (int i = 0; i < setting[2]; i++) {
        String p = "block" + block++ + ".";
        int stride = i == 0 ? setting[3] : 1;
        int hidden = channels * expansion;
        String y = x;
        if (expansion != 1) {
          y = convBn(b, p + "expand_conv", p + "expand_bn", y, conv(hidden, 1, 1, 0, 1));
          y = b.add(p + "expand_relu6", Activation.RELU6, y);
        }
        y = convBn(b, p + "dw_conv", p + "dw_bn", y, conv(hidden, 3, stride, 1, hidden));
        y = b.add(p + "dw_relu6", Activation.RELU6, y);
        y = convBn(b, p + "project_conv", p + "project_bn", y, conv(width, 1, 1, 0, 1));
        x = stride == 1 && channels == width ? b.add(p + "add", new Layer.Add(), y, x) : y;
        channels = width;
      }
    }
    int last = divisible(1280 * Math.max(1.0, widthMultiplier));
    x = convBn(b, "last.conv", "last.bn", x, conv(last, 1, 1, 0, 1));
    x = b.add("last.relu6", Activation.RELU6, x);
    x = b.add("dropout", new Layer.Identity(), x);
    return head(b, x, classes);
  }

  private static Conv2d conv(int filters, int kernel, int stride, int padding, int groups) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(kernel)
        .optStride(stride)
        .optPadding(padding)
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  private static String convBn(
      ChannelGraph.Builder b, String convName, String bnName, String input, Conv2d conv) {
    return b.add(bnName, new BatchNorm(0), b.add(convName, conv, input));
  }

  private static ChannelGraph head(ChannelGraph.Builder b, String x, int classes) {
    checkArgument(classes >= 1, "a classifier needs at least 1 class, found %s", classes);
    x = b.add("pool", new Layer.GlobalPool(PoolKind.AVG), x);
    x = b.add("flatten", new Layer.Flatten(), x);
    b.add("fc", Layer.Linear.of(classes), x);
    return b.markOutput("fc").build();
  }

  /** torchvision's rounding of widths: nearest multiple of 8, never 10% below the target. */
  private static int divisible(double value) {
    int rounded = Math.max(8, (int) (value + 4) / 8 * 8);
    return rounded < 0.9 * value ? rounded + 8 : rounded;
  }
}
