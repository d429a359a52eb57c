package dev.ato.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Layer.Activation;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.tensor.ArrayTensor;
import dev.ato.tensor.ArrayTensorOps;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Projectors on data -> h1 (2 units) -> relu -> h2 (2 units) -> relu -> out (1 unit). Groups: h1[0]
 * = 0, h1[1] = 1 (block "h1"); h2[0] = 2, h2[1] = 3 (block "h2"). A group holds a weight row and a
 * bias entry of its layer.
 */
class ProjectorsTest {

  private static final GroupSet GROUPS = groups();

  /** Prunes h1[0], h1[1] and h2[0]; keeps h2[1]. */
  private static final GroupMask PRUNE_THREE = GroupMask.of(false, false, false, true);

  private static GroupSet groups() {
    ChannelGraph.Builder b = ChannelGraph.builder("mlp");
    String x = b.input("data", ChannelShape.flat(2));
    x = b.add("relu1", Activation.RELU, b.add("h1", Layer.Linear.of(2), x));
    x = b.add("relu2", Activation.RELU, b.add("h2", Layer.Linear.of(2), x));
    b.add("out", Layer.Linear.of(1), x);
    return ZeroInvariantGroups.find(b.build());
  }

  /** Parameters keyed "layer.parameter". */
  private static Map<String, ArrayTensor> parameters(
      float[] h1Weight, float[] h1Bias, float[] h2Weight, float[] h2Bias) {
    Map<String, ArrayTensor> p = new HashMap<>();
    p.put("h1.weight", ArrayTensor.of(h1Weight, 2, 2));
    p.put("h1.bias", ArrayTensor.of(h1Bias, 2));
    p.put("h2.weight", ArrayTensor.of(h2Weight, 2, 2));
    p.put("h2.bias", ArrayTensor.of(h2Bias, 2));
    p.put("out.weight", ArrayTensor.of(new float[] {7, 7}, 1, 2));
    return p;
  }

  private static ParameterSource<ArrayTensor> source(Map<String, ArrayTensor> p) {
    return (layer, parameter) -> p.get(layer + "." + parameter);
  }

  @Test
  void blockLambdasFollowEachBlocksShareOfPrunedGroups() {
    GroupLassoProjector projector = GroupLassoProjector.of(GROUPS);

    // h1 prunes 2 of the 3 pruned groups, h2 prunes 1; kept groups get nothing.
    assertThat(projector.groupLambdas(PRUNE_THREE, 6))
        .containsExactly(new double[] {4, 4, 2, 0}, within(1e-12));
    assertThat(projector.groupLambdas(GroupMask.allKept(4), 6)).containsOnly(0.0);
  }

  @Test
  void groupLassoShrinksPrunedGroupsAndZeroesThoseAtTheThreshold() {
    // Group norms: h1[0] = ||(3, 4, 0)|| = 5; h1[1] = 0; h2[0] = ||(1, 0, 0)|| = 1;
    // h2[1] = ||(2, 1, 2)|| = 3.
    Map<String, ArrayTensor> p =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {1, 0, 2, 1},
            new float[] {0, 2});

    // eta * lambda_g: 0.5 * 4 = 2 for h1's groups, 0.5 * 2 = 1 for h2[0].
    GroupLassoProjector.of(GROUPS)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(p), Optional.empty(), PRUNE_THREE, 0.5, 6));

    // h1[0]: factor 1 - 2/5 = 0.6; h1[1] stays at zero; h2[0]: 1 - 1/1 = 0 exactly.
    assertThat(p.get("h1.weight").toArray()).containsExactly(1.8f, 2.4f, 0, 0);
    assertThat(p.get("h1.bias").toArray()).containsExactly(0, 0);
    assertThat(p.get("h2.weight").toArray()).containsExactly(0, 0, 2, 1);
    assertThat(p.get("h2.bias").toArray()).containsExactly(0, 2);
    assertThat(p.get("out.weight").toArray()).containsExactly(7, 7);
  }

  @Test
  void groupLassoWithADeadlineShrinksAtLeastByTheShareOfTheProjectionsLeft() {
    // h1[0] norm 5 and h2[0] norm 1, as above; eta * lambda_g = 0.1 * 4 = 0.4 and 0.1 * 2 = 0.2.
    Map<String, ArrayTensor> p =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {1, 0, 2, 1},
            new float[] {0, 2});

    GroupLassoProjector.of(GROUPS)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(p), Optional.empty(), PRUNE_THREE, 0.1, 6, 4));

    // h1[0]: max(0.4, 5 / 4) = 1.25 -> factor 0.75; h2[0]: max(0.2, 1 / 4) = 0.25 -> 0.75.
    assertThat(p.get("h1.weight").toArray()).containsExactly(2.25f, 3, 0, 0);
    assertThat(p.get("h2.weight").toArray()).containsExactly(0.75f, 0, 2, 1);
  }

  @Test
  void groupLassoAtItsLastProjectionLeavesEveryPrunedGroupAtZero() {
    Map<String, ArrayTensor> p =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0.5f},
            new float[] {1, 0, 2, 1},
            new float[] {0.5f, 2});

    GroupLassoProjector.of(GROUPS)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(p), Optional.empty(), PRUNE_THREE, 0.1, 6, 1));

    assertThat(p.get("h1.weight").toArray()).containsExactly(0, 0, 0, 0);
    assertThat(p.get("h1.bias").toArray()).containsExactly(0, 0);
    assertThat(p.get("h2.weight").toArray()).containsExactly(0, 0, 2, 1);
    assertThat(p.get("h2.bias").toArray()).containsExactly(0, 2);
  }

  @Test
  void groupLassoShrinksGroupsOfDifferentSizesInOneStep() {
    // data -> h1 (2) -> bn -> relu -> h2 (2) -> relu -> out: h1's groups hold a weight row, a
    // bias, a gamma and a beta; h2's a weight row and a bias. h1[0] = ||(3, 0, 0, 4, 0)|| = 5,
    // h2[0] = ||(1, 0, 0)|| = 1. Each block prunes one of the two pruned groups: lambda_g = 2,
    // eta * lambda_g = 1.
    ChannelGraph.Builder b = ChannelGraph.builder("bn-mlp");
    String x = b.input("data", ChannelShape.flat(2));
    x =
        b.add(
            "relu1",
            Activation.RELU,
            b.add("bn", new Layer.BatchNorm(0), b.add("h1", Layer.Linear.of(2), x)));
    x = b.add("relu2", Activation.RELU, b.add("h2", Layer.Linear.of(2), x));
    b.add("out", Layer.Linear.of(1), x);
    GroupSet groups = ZeroInvariantGroups.find(b.build());
    Map<String, ArrayTensor> p =
        parameters(
            new float[] {3, 0, 0, 0},
            new float[] {0, 0},
            new float[] {1, 0, 2, 1},
            new float[] {0, 2});
    p.put("bn.gamma", ArrayTensor.of(new float[] {4, 0}, 2));
    p.put("bn.beta", ArrayTensor.of(new float[] {0, 0}, 2));

    GroupLassoProjector.of(groups)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(
                source(p), Optional.empty(), GroupMask.of(false, true, false, true), 0.5, 4));

    // h1[0]: factor 1 - 1/5 = 0.8; h2[0]: 1 - 1/1 = 0; the kept groups are unchanged.
    assertThat(p.get("h1.weight").toArray()).containsExactly(2.4f, 0, 0, 0);
    assertThat(p.get("bn.gamma").toArray()).containsExactly(3.2f, 0);
    assertThat(p.get("h2.weight").toArray()).containsExactly(0, 0, 2, 1);
    assertThat(p.get("h2.bias").toArray()).containsExactly(0, 2);
  }

  @Test
  void groupLassoLeavesEverythingAloneWhenNothingIsPruned() {
    Map<String, ArrayTensor> p =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {0.6f, 0, 2, 1},
            new float[] {0.8f, 2});

    GroupLassoProjector.of(GROUPS)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(p), Optional.empty(), GroupMask.allKept(4), 0.5, 1000));

    assertThat(p.get("h1.weight").toArray()).containsExactly(3, 4, 0, 0);
  }

  @Test
  void halfSpaceZeroesGroupsThatLeaveTheHalfSpaceAndKeepsThoseOnItsBoundary() {
    Map<String, ArrayTensor> before =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {1, 0, 2, 1},
            new float[] {0, 2});
    Map<String, ArrayTensor> after =
        parameters(
            new float[] {1, 1, 0.1f, 0.2f},
            new float[] {0, 0.3f},
            new float[] {0.5f, 7, -2, -1},
            new float[] {9, -2});

    HalfSpaceProjector.of(GROUPS, 0.5)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(after), Optional.of(source(before)), PRUNE_THREE, 0.1, 0));

    // h1[0]: z.x = 7 < 0.5 * 25 -> zero. h1[1]: x was zero -> zero.
    assertThat(after.get("h1.weight").toArray()).containsExactly(0, 0, 0, 0);
    assertThat(after.get("h1.bias").toArray()).containsExactly(0, 0);
    // h2[0]: z.x = 0.5 = 0.5 * ||x||^2 exactly: not below the threshold, unchanged.
    // h2[1] is kept: unchanged although it points against x.
    assertThat(after.get("h2.weight").toArray()).containsExactly(0.5f, 7, -2, -1);
    assertThat(after.get("h2.bias").toArray()).containsExactly(9, -2);
  }

  @Test
  void halfSpaceFirstPullsPrunedGroupsByTheirSparsityTermThenTestsThem() {
    // The optimiser left every group where it was (z = x). eta * lambda_g: 0.5 * 4 = 2 for h1's
    // groups, 0.5 * 2 = 1 for h2[0] (lambda 6, as in the group-lasso test).
    Map<String, ArrayTensor> before =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {2, 0, 2, 1},
            new float[] {0, 2});
    Map<String, ArrayTensor> after =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {2, 0, 2, 1},
            new float[] {0, 2});

    HalfSpaceProjector.of(GROUPS, 0.5)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(after), Optional.of(source(before)), PRUNE_THREE, 0.5, 6));

    // h1[0] (norm 5): pulled by 1 - 2/5 to (1.8, 2.4); z.x = 15, not below 0.5 * 25: kept.
    // h2[0] (norm 2): pulled by 1 - 1/2 to (1, 0); z.x = 2, not below 0.5 * 4: kept.
    assertThat(after.get("h1.weight").toArray()).containsExactly(1.8f, 2.4f, 0, 0);
    assertThat(after.get("h2.weight").toArray()).containsExactly(1, 0, 2, 1);

    // One more step from there: h1[0] (norm 3) pulled by 1 - 2/3 to (0.6, 0.8), z.x = 5 <
    // 12.5 -> zero; h2[0] (norm 1) pulled by 1 - 1/1 to zero.
    HalfSpaceProjector.of(GROUPS, 0.5)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(source(after), Optional.of(source(before)), PRUNE_THREE, 0.5, 6));

    assertThat(after.get("h1.weight").toArray()).containsExactly(0, 0, 0, 0);
    assertThat(after.get("h2.weight").toArray()).containsExactly(0, 0, 2, 1);
    assertThat(after.get("h2.bias").toArray()).containsExactly(0, 2);
  }

  @Test
  void halfSpaceAtItsLastProjectionLeavesEveryPrunedGroupAtZero() {
    Map<String, ArrayTensor> before =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0.5f},
            new float[] {1, 0, 2, 1},
            new float[] {0.5f, 2});
    Map<String, ArrayTensor> after =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0.5f},
            new float[] {1, 0, 2, 1},
            new float[] {0.5f, 2});

    HalfSpaceProjector.of(GROUPS, 0.1)
        .projectInPlace(
            ArrayTensorOps.INSTANCE,
            new Projector.Step<>(
                source(after), Optional.of(source(before)), PRUNE_THREE, 0.1, 6, 1));

    assertThat(after.get("h1.weight").toArray()).containsExactly(0, 0, 0, 0);
    assertThat(after.get("h1.bias").toArray()).containsExactly(0, 0);
    assertThat(after.get("h2.weight").toArray()).containsExactly(0, 0, 2, 1);
    assertThat(after.get("h2.bias").toArray()).containsExactly(0, 2);
  }

  @Test
  void groupNormsSumSquaresOverEveryTensorOfTheGroup() {
    Map<String, ArrayTensor> p =
        parameters(
            new float[] {3, 4, 0, 0},
            new float[] {0, 0},
            new float[] {1, 0, 2, 1},
            new float[] {0, 2});

    // ||(3, 4, 0)||, ||(0, 0, 0)||, ||(1, 0, 0)||, ||(2, 1, 2)||.
    assertThat(GroupNorms.of(GROUPS).compute(ArrayTensorOps.INSTANCE, source(p)))
        .containsExactly(new double[] {5, 0, 1, 3}, within(1e-12));
  }

  @Test
  void halfSpaceNeedsTheValuesBeforeTheStep() {
    HalfSpaceProjector projector = HalfSpaceProjector.of(GROUPS, 0.1);
    Map<String, ArrayTensor> p = parameters(new float[4], new float[2], new float[4], new float[2]);

    assertThat(projector.needsValuesBeforeStep()).isTrue();
    assertThatThrownBy(
            () ->
                projector.projectInPlace(
                    ArrayTensorOps.INSTANCE,
                    new Projector.Step<>(source(p), Optional.empty(), PRUNE_THREE, 0.1, 0)))
        .hasMessage("half-space projection needs the parameters before the optimiser step");
  }

  @Test
  void epsilonOutsideTheHalfOpenUnitIntervalIsRejected() {
    for (double bad : new double[] {-0.1, 1, 2}) {
      assertThatThrownBy(() -> HalfSpaceProjector.of(GROUPS, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("epsilon of the half-space projection must lie in [0, 1), found " + bad);
    }
  }

  @Test
  void negativeLambdaIsRejected() {
    assertThatThrownBy(() -> GroupLassoProjector.of(GROUPS).groupLambdas(PRUNE_THREE, -1))
        .hasMessage("lambda must not be negative, found -1.0");
    assertThatThrownBy(
            () ->
                new Projector.Step<ArrayTensor>(
                    (l, n) -> null, Optional.empty(), PRUNE_THREE, 0.1, -2))
        .hasMessage("lambda must not be negative, found -2.0");
  }

  @Test
  void aMissingParameterIsNamed() {
    Map<String, ArrayTensor> p = parameters(new float[4], new float[2], new float[4], new float[2]);
    p.remove("h2.bias");

    assertThatThrownBy(
            () ->
                GroupLassoProjector.of(GROUPS)
                    .projectInPlace(
                        ArrayTensorOps.INSTANCE,
                        new Projector.Step<>(source(p), Optional.empty(), PRUNE_THREE, 0.1, 1)))
        .hasMessage("no tensor for parameter 'bias' of layer 'h2', which holds pruned groups");
  }

  @Test
  void aMaskOfTheWrongSizeIsRejected() {
    Map<String, ArrayTensor> p = parameters(new float[4], new float[2], new float[4], new float[2]);

    assertThatThrownBy(
            () ->
                GroupLassoProjector.of(GROUPS)
                    .projectInPlace(
                        ArrayTensorOps.INSTANCE,
                        new Projector.Step<>(
                            source(p), Optional.empty(), GroupMask.allKept(5), 0.1, 1)))
        .hasMessage("the mask covers 5 groups but graph 'mlp' has 4");
  }
}
