package dev.ato.djl.subnet;

import dev.ato.graph.Parameter;

/**
 * Cuts a parameter's values down to the kept channels on its output axis and its input axis, in
 * row-major order, and puts cut values back in their places. Done once per parameter when a network
 * is compressed, on the host, where index arithmetic is plain and exact.
 */
final class ParameterSlicer {

  private ParameterSlicer() {}

  /**
   * The values of {@code parameter} at the kept output channels {@code outputs} and kept input
   * channels {@code inputs} (either ignored when the parameter has no such axis).
   */
  static float[] slice(float[] values, Parameter parameter, int[] outputs, int[] inputs) {
    int[] sources = keptPositions(parameter, outputs, inputs);
    float[] sliced = new float[sources.length];
    for (int i = 0; i < sources.length; i++) {
      sliced[i] = values[sources[i]];
    }
    return sliced;
  }

  /**
   * Writes {@code sliced}, as {@link #slice} cut it with the same channels, back into its places in
   * {@code values}; the other places keep what they hold.
   */
  static void putBack(
      float[] sliced, float[] values, Parameter parameter, int[] outputs, int[] inputs) {
    int[] sources = keptPositions(parameter, outputs, inputs);
    for (int i = 0; i < sources.length; i++) {
      values[sources[i]] = sliced[i];
    }
  }

  /** The row-major positions in the whole parameter of each value its cut keeps, in order. */
  private static int[] keptPositions(Parameter parameter, int[] outputs, int[] inputs) {
    int rank = parameter.shape().length();
    int[][] keep = new int[rank][];
    int size = 1;
    for (int axis = 0; axis < rank; axis++) {
      if (axis == parameter.outputAxis()) {
        keep[axis] = outputs;
      } else if (axis == parameter.inputAxis()) {
        keep[axis] = inputs;
      } else {
        keep[axis] = identity(parameter.shape().get(axis));
      }
      size *= keep[axis].length;
    }
    int[] strides = new int[rank];
    int stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      strides[axis] = stride;
      stride *= parameter.shape().get(axis);
    }
    int[] positions = new int[size];
    int[] position = new int[rank];
    for (int i = 0; i < size; i++) {
      int source = 0;
      for (int axis = 0; axis < rank; axis++) {
        source += keep[axis][position[axis]] * strides[axis];
      }
      positions[i] = source;
      for (int axis = rank - 1; axis >= 0; axis--) {
        if (++position[axis] < keep[axis].length) {
          break;
        }
        position[axis] = 0;
      }
    }
    return positions;
  }

  private static int[] identity(int length) {
    int[] indices = new int[length];
    for (int i = 0; i < length; i++) {
      indices[i] = i;
    }
    return indices;
  }
}
