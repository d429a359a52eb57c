package dev.ato.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Layer.Activation;
import dev.ato.groups.GroupMask;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.tensor.ArrayTensor;
import dev.ato.tensor.ArrayTensorOps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plans of data -> h1 (2 units) -> relu -> h2 (2 units) -> relu -> out: groups h1[0], h1[1] in
 * h1.weight and h1.bias, h2[0], h2[1] in h2.weight and h2.bias.
 */
class TensorPlansTest {

  private final TensorPlans plans = new TensorPlans(ZeroInvariantGroups.find(graph()));
  private final Map<String, ArrayTensor> tensors =
      Map.of(
          "h1.weight",
          ArrayTensor.of(new float[4], 2, 2),
          "h1.bias",
          ArrayTensor.of(new float[2], 2),
          "h2.weight",
          ArrayTensor.of(new float[4], 2, 2),
          "h2.bias",
          ArrayTensor.of(new float[2], 2));

  private static ChannelGraph graph() {
    ChannelGraph.Builder b = ChannelGraph.builder("mlp");
    String x = b.input("data", ChannelShape.flat(2));
    x = b.add("relu1", Activation.RELU, b.add("h1", Layer.Linear.of(2), x));
    x = b.add("relu2", Activation.RELU, b.add("h2", Layer.Linear.of(2), x));
    b.add("out", Layer.Linear.of(1), x);
    return b.build();
  }

  private ChannelLayout layoutFor(GroupMask mask) {
    List<TensorPlan> touched = plans.touching(mask);
    return plans.layout(
        ArrayTensorOps.INSTANCE,
        touched,
        TensorPlan.lookupAll((layer, parameter) -> tensors.get(layer + "." + parameter), touched));
  }

  @Test
  void onlyTensorsHoldingAPrunedGroupAreTouched() {
    assertThat(plans.touching(GroupMask.of(true, true, false, true)))
        .extracting(plan -> plan.layer() + "." + plan.parameter())
        .containsExactlyInAnyOrder("h2.weight", "h2.bias");
  }

  @Test
  void theLayoutIsReusedWhileTheSameTensorsAreProjected() {
    ChannelLayout first = layoutFor(GroupMask.of(true, true, false, true));

    assertThat(layoutFor(GroupMask.of(true, true, true, false))).isSameAs(first);
    assertThat(layoutFor(GroupMask.of(false, true, true, false))).isNotSameAs(first);
  }
}
