package dev.ato.testing;

import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Layer.Activation;
import dev.ato.graph.Layer.BatchNorm;
import dev.ato.graph.Layer.Conv2d;

/** Graphs small enough to price by hand, shared by the core's tests. */
public final class SmallGraphs {

  private SmallGraphs() {}

  /**
   * data 3x8x8 -> a: conv 3x3, 4 filters, pad 1, no bias -> bn -> relu -> b: conv 1x1, 2 filters,
   * bias -> global pool -> flatten -> fc: 5 units. Groups: a[0..3] = 0..3, b[0..1] = 4..5.
   */
  public static ChannelGraph twoConvolutions() {
    ChannelGraph.Builder b = ChannelGraph.builder("small");
    String x = b.input("data", ChannelShape.spatial(3, 8, 8));
    x =
        b.add(
            "a",
            Conv2d.builder().setFilters(4).setKernelShape(3).optPadding(1).optBias(false).build(),
            x);
    x = b.add("relu", Activation.RELU, b.add("bn", new BatchNorm(0), x));
    x = b.add("b", Conv2d.builder().setFilters(2).setKernelShape(1).build(), x);
    x =
        b.add(
            "flatten",
            new Layer.Flatten(),
            b.add("pool", new Layer.GlobalPool(Layer.PoolKind.AVG), x));
    b.add("fc", Layer.Linear.of(5), x);
    return b.build();
  }
}
