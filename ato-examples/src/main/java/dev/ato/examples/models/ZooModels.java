package dev.ato.examples.models;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.Set;

/**
 * DJL's own model-zoo definitions of ResNetV1 and MobileNetV2 (untrained: no weights are fetched),
 * the examples' networks for image folders at ImageNet-like sizes. ato reads them as DJL builds
 * them.
 */
public final class ZooModels {

  /** The depths DJL's ResNetV1 builds. */
  public static final Set<Integer> RESNET_DEPTHS = Set.of(18, 34, 50, 101, 152);

  /** DJL's MobileNetV2 widths (the paper's table: stem, seven stages, last convolution). */
  private static final int[] MOBILENET_FILTERS = {32, 16, 24, 32, 64, 96, 160, 320, 1280};

  private ZooModels() {}

  /**
   * DJL's ResNetV1 of {@code depth} layers for images of {@code imageShape} (C, H, W).
   *
   * @throws IllegalArgumentException unless the depth is one of {@link #RESNET_DEPTHS}
   */
  public static Block resNetV1(int depth, Shape imageShape, int classes) {
    checkArgument(
        RESNET_DEPTHS.contains(depth),
        "DJL's ResNetV1 has %s layers, not %s: pass --depth with one of them (50 by default)",
        RESNET_DEPTHS.stream().sorted().toList(),
        depth);
    return ResNetV1.builder()
        .setImageShape(imageShape)
        .setNumLayers(depth)
        .setOutSize(classes)
        .build();
  }

  /**
   * DJL's MobileNetV2 with every width but the last scaled by {@code widthMultiplier} to a multiple
   * of 8, as {@link CifarMobileNetV2} scales its own.
   */
  public static Block mobileNetV2(double widthMultiplier, int classes) {
    checkArgument(
        widthMultiplier > 0 && widthMultiplier <= 4,
        "the width multiplier must lie in (0, 4], found %s",
        widthMultiplier);
    int[] filters = Arrays.copyOf(MOBILENET_FILTERS, MOBILENET_FILTERS.length);
    for (int i = 0; i < filters.length; i++) {
      boolean last = i == filters.length - 1;
      if (!last || widthMultiplier > 1) {
        filters[i] = CifarMobileNetV2.divisible(filters[i] * widthMultiplier);
      }
    }
    return MobileNetV2.builder().optFilters(filters).setOutSize(classes).build();
  }
}
