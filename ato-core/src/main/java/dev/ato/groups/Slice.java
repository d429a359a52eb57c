package dev.ato.groups;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A contiguous run of indices along one axis of one parameter tensor: {@code layer.parameter[...,
 * start : start + length, ...]} on {@code axis}.
 *
 * @param layer the layer owning the parameter
 * @param parameter the parameter's name in that layer ({@code weight}, {@code gamma}...)
 * @param axis the axis the indices run along
 * @param start first index
 * @param length number of indices, at least 1
 * @param trainable false for statistics (batch norm's running mean and variance), which are sliced
 *     with their channel but never projected
 */
public record Slice(
    String layer, String parameter, int axis, int start, int length, boolean trainable) {

  public Slice {
    checkArgument(axis >= 0, "axis must not be negative, found %s", axis);
    checkArgument(start >= 0, "start must not be negative, found %s", start);
    checkArgument(length >= 1, "a slice holds at least one index, found %s", length);
  }

  /** One past the last index. */
  public int end() {
    return start + length;
  }

  @Override
  public String toString() {
    return layer
        + "."
        + parameter
        + "[axis "
        + axis
        + ": "
        + start
        + (length == 1 ? "" : ".." + (end() - 1))
        + "]";
  }
}
