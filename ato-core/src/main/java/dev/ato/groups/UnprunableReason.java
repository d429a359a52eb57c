package dev.ato.groups;

/** Why a set of coupled channels is not offered for pruning. */
public enum UnprunableReason {
  /** The channels are the network's input. */
  NETWORK_INPUT("they are channels of the network's input"),
  /** The channels reach a network output, such as the classifier's logits. */
  NETWORK_OUTPUT("they reach the network's output"),
  /**
   * The channels feed or leave a grouped (not depthwise) convolution, whose groups must keep equal
   * sizes.
   */
  GROUPED_CONVOLUTION("they feed or leave a grouped convolution, whose groups must stay equal"),
  /** The channels enter or leave a layer whose insides are unknown. */
  OPAQUE_LAYER("they enter or leave a layer ato cannot see into"),
  /** The channels pass a batch norm whose gamma or beta is not trained. */
  FROZEN_NORMALISATION(
      "they pass a batch norm whose gamma or beta is frozen, which projection "
          + "cannot drive to zero"),
  /** The channels pass an element-wise function that does not map zero to zero. */
  NOT_ZERO_PRESERVING("they pass a function that does not map 0 to 0"),
  /** The channels are joined by a residual add and residual-stream pruning is off. */
  RESIDUAL_STREAM("they are on a residual stream; enable pruneResidualStreams to include them");

  private final String explanation;

  UnprunableReason(String explanation) {
    this.explanation = explanation;
  }

  /** A sentence fragment for messages: "they reach the network's output". */
  public String explanation() {
    return explanation;
  }
}
