package dev.ato.djl.subnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON description of a compressed network: what it keeps and which versions it reads. */
class SubnetSpecTest {

  private static SubnetSpec pools(int version, Layer.Pool2d... pools) {
    List<SubnetSpec.NodeSpec> nodes = new ArrayList<>();
    nodes.add(
        new SubnetSpec.NodeSpec(
            "input", new Layer.Input(ChannelShape.spatial(2, 8, 8)), List.of()));
    String previous = "input";
    for (int i = 0; i < pools.length; i++) {
      nodes.add(new SubnetSpec.NodeSpec("pool" + i, pools[i], List.of(previous)));
      previous = "pool" + i;
    }
    return new SubnetSpec(version, "pools", nodes, List.of(previous), Map.of());
  }

  @Test
  void poolingSettingsSurviveAWriteAndARead() {
    SubnetSpec spec =
        pools(
            SubnetSpec.FORMAT_VERSION,
            new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0, true),
            new Layer.Pool2d(Layer.PoolKind.AVG, 3, 2, 1, true));

    SubnetSpec read = SubnetSpec.fromJson(spec.toJson());

    assertThat(read).isEqualTo(spec);
    // 8 -> 4 -> 3 rounding up; rounding down would give 3 -> 2.
    assertThat(read.toGraph().node("pool1").output()).isEqualTo(ChannelShape.spatial(2, 3, 3));
  }

  @Test
  void aVersion1DescriptionWithoutCeilModePoolsRoundingDown() {
    String version1 =
        """
        {
          "formatVersion": 1,
          "name": "old",
          "nodes": [
            {"name": "input", "inputs": [], "layer": {"type": "Input",
              "shape": {"channels": 2, "height": 8, "width": 8, "flat": false}}},
            {"name": "max", "inputs": ["input"], "layer": {"type": "Pool2d",
              "pool": "MAX", "kernel": 3, "stride": 2, "padding": 0}},
            {"name": "avg", "inputs": ["max"], "layer": {"type": "Pool2d",
              "pool": "AVG", "kernel": 3, "stride": 1, "padding": 1}}
          ],
          "outputs": ["avg"],
          "batchNorms": {}
        }
        """;

    SubnetSpec spec = SubnetSpec.fromJson(version1);

    assertThat(spec.nodes().get(1).layer())
        .isEqualTo(new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0, false));
    assertThat(spec.nodes().get(2).layer())
        .isEqualTo(new Layer.Pool2d(Layer.PoolKind.AVG, 3, 1, 1, false));
  }

  @Test
  void aDescriptionOfALaterVersionIsRefused() {
    String json =
        pools(SubnetSpec.FORMAT_VERSION, new Layer.Pool2d(Layer.PoolKind.MAX, 2, 2, 0))
            .toJson()
            .replace("\"formatVersion\": " + SubnetSpec.FORMAT_VERSION, "\"formatVersion\": 4");

    assertThatThrownBy(() -> SubnetSpec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "this description has format version 4; this version of ato reads versions "
                + "1 to 3");
  }
}
