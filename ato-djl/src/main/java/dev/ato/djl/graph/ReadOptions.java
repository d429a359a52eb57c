package dev.ato.djl.graph;

/**
 * Choices for {@link ModelReader}.
 *
 * @param treatUnknownAsOpaque when true, a block the reader does not understand (a block of the
 *     user's own, or a LambdaBlock whose function it cannot identify) becomes an opaque layer whose
 *     input and output channels are never pruned (and whose FLOPs are not counted), instead of an
 *     error; a compressed model holding one shares that block with the original model (it lives as
 *     long as the original) and cannot be saved
 */
public record ReadOptions(boolean treatUnknownAsOpaque) {

  /** Unknown blocks are errors. */
  public static ReadOptions defaults() {
    return new ReadOptions(false);
  }

  /** Unknown blocks become opaque, unprunable layers. */
  public static ReadOptions opaqueUnknownBlocks() {
    return new ReadOptions(true);
  }
}
