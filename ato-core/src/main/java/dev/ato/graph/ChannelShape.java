package dev.ato.graph;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The shape of one sample of a tensor flowing through a {@link ChannelGraph}, batch axis left out:
 * either spatial ({@code channels x height x width}, as between convolutions) or flat ({@code
 * features}, as after a flatten). A flat tensor reports height and width 1.
 *
 * @param channels channels of a spatial tensor, features of a flat one; at least 1
 * @param height rows; 1 for a flat tensor
 * @param width columns; 1 for a flat tensor
 * @param flat whether the tensor is a feature vector rather than a feature map
 */
public record ChannelShape(int channels, int height, int width, boolean flat) {

  public ChannelShape {
    checkArgument(channels >= 1, "a tensor needs at least 1 channel, found %s", channels);
    checkArgument(
        height >= 1 && width >= 1,
        "a feature map needs a positive size, found %sx%s",
        height,
        width);
    checkArgument(
        !flat || (height == 1 && width == 1),
        "a flat tensor has height and width 1, found %sx%s",
        height,
        width);
  }

  /** A feature map of {@code channels x height x width}. */
  public static ChannelShape spatial(int channels, int height, int width) {
    return new ChannelShape(channels, height, width, false);
  }

  /** A feature vector of {@code features} entries. */
  public static ChannelShape flat(int features) {
    return new ChannelShape(features, 1, 1, true);
  }

  /** Positions per channel: {@code height * width}. */
  public int spatialSize() {
    return height * width;
  }

  @Override
  public String toString() {
    return flat ? "[" + channels + "]" : channels + "x" + height + "x" + width;
  }
}
