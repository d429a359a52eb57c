package dev.ato.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ato.graph.Layer.Activation;
import dev.ato.graph.Layer.BatchNorm;
import dev.ato.graph.Layer.Conv2d;
import org.junit.jupiter.api.Test;

class ChannelGraphTest {

  private static Conv2d conv(int filters, int kernel, int stride, int padding) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(kernel)
        .optStride(stride)
        .optPadding(padding)
        .build();
  }

  @Test
  void convolutionOutputSizeFollowsTheFloorFormula() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(3, 32, 32));
    // (32 + 2*1 - 3) / 2 + 1 = 16 (floor of 15.5)
    String y = b.add("conv", conv(8, 3, 2, 1), x);
    // (16 + 0 - 2) / 2 + 1 = 8
    String z = b.add("pool", new Layer.Pool2d(Layer.PoolKind.MAX, 2, 2, 0), y);
    ChannelGraph graph = b.build();

    assertThat(graph.node(y).output()).isEqualTo(ChannelShape.spatial(8, 16, 16));
    assertThat(graph.node(z).output()).isEqualTo(ChannelShape.spatial(8, 8, 8));
  }

  @Test
  void ceilModePoolingRoundsTheOutputSizeUp() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(3, 8, 8));
    // floor: (8 - 3) / 2 + 1 = 3; ceil: ceil(5 / 2) + 1 = 4, its last window on rows 6-7.
    String floor = b.add("floor", new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0), x);
    String ceil = b.add("ceil", new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0, true), x);
    ChannelGraph graph = b.build();

    assertThat(graph.node(floor).output()).isEqualTo(ChannelShape.spatial(3, 3, 3));
    assertThat(graph.node(ceil).output()).isEqualTo(ChannelShape.spatial(3, 4, 4));
  }

  @Test
  void ceilModePoolingDropsAWindowThatWouldStartInThePadding() {
    // 5 wide, kernel 2, stride 2, padding 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window
    // would start at 3 * 2 - 1 = 5, past the input's last column (4): PyTorch gives 3.
    Layer.Pool2d pool = new Layer.Pool2d(Layer.PoolKind.AVG, 2, 2, 1, true);

    assertThat(pool.outputSize(5)).isEqualTo(3);
    assertThat(pool.outputSize(6)).isEqualTo(4);
  }

  @Test
  void convolutionKnowsItsParametersAndTheirChannelAxes() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(6, 8, 8));
    b.add("dense", conv(4, 3, 1, 1), x);
    b.add("grouped", Conv2d.builder().setFilters(4).setKernelShape(3).optGroups(2).build(), x);
    ChannelGraph graph = b.build();

    Parameter dense = graph.node("dense").parameter("weight").orElseThrow();
    assertThat(dense.shape().asList()).containsExactly(4, 6, 3, 3);
    assertThat(dense.outputAxis()).isEqualTo(0);
    assertThat(dense.inputAxis()).isEqualTo(1);
    Parameter grouped = graph.node("grouped").parameter("weight").orElseThrow();
    assertThat(grouped.shape().asList()).containsExactly(4, 3, 3, 3);
    assertThat(grouped.inputAxis()).isEqualTo(Parameter.NO_AXIS);
    assertThat(graph.node("grouped").parameter("bias")).isPresent();
  }

  @Test
  void batchNormRunningStatisticsAreNotTrainable() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    b.add("bn", new BatchNorm(0), b.input("data", ChannelShape.spatial(5, 4, 4)));
    ChannelGraph graph = b.build();

    assertThat(graph.node("bn").parameters())
        .extracting(Parameter::name, Parameter::trainable)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gamma", true),
            org.assertj.core.groups.Tuple.tuple("beta", true),
            org.assertj.core.groups.Tuple.tuple("runningMean", false),
            org.assertj.core.groups.Tuple.tuple("runningVar", false));
  }

  @Test
  void convolutionDeclaringOtherInputChannelsNamesBothLayers() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.add("stem", conv(16, 3, 1, 1), b.input("data", ChannelShape.spatial(3, 8, 8)));
    Conv2d expects32 = Conv2d.builder().setFilters(8).setKernelShape(1).optInChannels(32).build();

    assertThatThrownBy(() -> b.add("head", expects32, x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("conv2d 'head' expects 32 input channels but 'stem' gives 16");
  }

  @Test
  void addingTensorsOfDifferentChannelCountsNamesAllThreeLayers() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(3, 8, 8));
    String a = b.add("a", conv(16, 3, 1, 1), x);
    String c = b.add("c", conv(32, 3, 1, 1), x);

    assertThatThrownBy(() -> b.add("sum", new Layer.Add(), a, c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("add 'sum' cannot add 'a' (16x8x8) and 'c' (32x8x8): shapes must be equal");
  }

  @Test
  void batchNormDeclaringOtherChannelsNamesBothLayers() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.add("conv", conv(16, 3, 1, 1), b.input("data", ChannelShape.spatial(3, 8, 8)));

    assertThatThrownBy(() -> b.add("bn", new BatchNorm(8), x))
        .hasMessage("batchnorm 'bn' expects 8 channels but 'conv' gives 16");
  }

  @Test
  void linearOnAFeatureMapAsksForAFlatten() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.add("conv", conv(4, 3, 1, 1), b.input("data", ChannelShape.spatial(3, 8, 8)));

    assertThatThrownBy(() -> b.add("fc", Layer.Linear.of(10), x))
        .hasMessage(
            "linear 'fc' needs flat input but 'conv' gives a 4x8x8 feature map; add a "
                + "flatten between them");
  }

  @Test
  void linearAcceptsAGloballyPooledMap() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x =
        b.add(
            "pool",
            new Layer.GlobalPool(Layer.PoolKind.AVG),
            b.input("data", ChannelShape.spatial(7, 8, 8)));
    b.add("fc", Layer.Linear.of(3), x);

    assertThat(b.build().node("fc").parameter("weight").orElseThrow().shape().asList())
        .containsExactly(3, 7);
  }

  @Test
  void readingAnUndeclaredLayerIsAnError() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    b.input("data", ChannelShape.spatial(3, 8, 8));

    assertThatThrownBy(() -> b.add("relu", Activation.RELU, "conv"))
        .hasMessage(
            "layer 'relu' reads 'conv', which is not declared; declare layers before "
                + "their readers");
  }

  @Test
  void layerNamesAreUnique() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(3, 8, 8));
    b.add("relu", Activation.RELU, x);

    assertThatThrownBy(() -> b.add("relu", Activation.RELU, x))
        .hasMessage("graph 'g' already has a layer 'relu'; layer names must be unique");
  }

  @Test
  void groupsMustDivideTheInputChannels() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(6, 8, 8));
    Conv2d fourGroups = Conv2d.builder().setFilters(8).setKernelShape(3).optGroups(4).build();

    assertThatThrownBy(() -> b.add("conv", fourGroups, x))
        .hasMessage("conv2d 'conv' has 4 groups, which do not divide the 6 channels of 'data'");
  }

  @Test
  void aKernelLargerThanItsInputIsAnError() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.spatial(3, 2, 2));

    assertThatThrownBy(() -> b.add("conv", conv(4, 3, 1, 0), x))
        .hasMessage("conv2d 'conv' turns the 3x2x2 input from 'data' into an empty 0x0 map");
  }

  @Test
  void convolutionBuilderRequiresFiltersAndKernel() {
    assertThatThrownBy(() -> Conv2d.builder().setKernelShape(3).build())
        .hasMessage("setFilters(...) is required, with a positive count");
    assertThatThrownBy(() -> Conv2d.builder().setFilters(3).build())
        .hasMessage("setKernelShape(...) is required");
  }

  @Test
  void layersNothingReadsAreTheOutputsUnlessMarked() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.flat(4));
    String h = b.add("hidden", Layer.Linear.of(3), x);
    b.add("out", Layer.Linear.of(2), h);
    b.add("aux", Layer.Linear.of(1), h);

    assertThat(b.build().outputs()).containsExactly("out", "aux");
    assertThat(b.markOutput("out").build().outputs()).containsExactly("out");
  }

  @Test
  void consumersAreListedInDeclarationOrder() {
    ChannelGraph.Builder b = ChannelGraph.builder("g");
    String x = b.input("data", ChannelShape.flat(4));
    b.add("first", Layer.Linear.of(3), x);
    b.add("second", Layer.Linear.of(2), x);

    assertThat(b.build().consumers("data")).containsExactly("first", "second");
  }
}
