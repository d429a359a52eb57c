package dev.ato.graph;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.primitives.ImmutableIntArray;

/**
 * A parameter tensor of a layer, described well enough to slice it by channel and count it.
 *
 * <p>{@code outputAxis} is the axis whose index {@code k} belongs to the layer's output channel
 * {@code k} (a convolution's filters, a batch norm's gamma). {@code inputAxis} is the axis whose
 * index {@code k} belongs to the layer's input channel {@code k} (a convolution's or linear layer's
 * input weights). Either is {@link #NO_AXIS} when no axis follows channels one to one.
 *
 * @param name the parameter's name inside its layer, as the engine calls it ({@code weight}, {@code
 *     bias}, {@code gamma}, {@code runningMean}...)
 * @param shape the tensor's shape, without a batch axis
 * @param outputAxis axis indexed by output channels, or {@link #NO_AXIS}
 * @param inputAxis axis indexed by input channels, or {@link #NO_AXIS}
 * @param trainable false for statistics such as batch norm's running mean, which are sliced with
 *     their channel but neither counted as parameters nor projected
 */
public record Parameter(
    String name, ImmutableIntArray shape, int outputAxis, int inputAxis, boolean trainable) {

  /** Marks the absence of an axis that follows channels. */
  public static final int NO_AXIS = -1;

  public Parameter {
    checkArgument(!name.isEmpty(), "a parameter needs a name");
    checkArgument(
        outputAxis >= NO_AXIS && outputAxis < shape.length(),
        "parameter '%s' of shape %s has no axis %s",
        name,
        shape,
        outputAxis);
    checkArgument(
        inputAxis >= NO_AXIS && inputAxis < shape.length(),
        "parameter '%s' of shape %s has no axis %s",
        name,
        shape,
        inputAxis);
    checkArgument(
        outputAxis == NO_AXIS || outputAxis != inputAxis,
        "parameter '%s' cannot index input and output channels on the same axis %s",
        name,
        outputAxis);
  }

  /** Number of values in the tensor. */
  public long size() {
    long size = 1;
    for (int i = 0; i < shape.length(); i++) {
      size *= shape.get(i);
    }
    return size;
  }
}
