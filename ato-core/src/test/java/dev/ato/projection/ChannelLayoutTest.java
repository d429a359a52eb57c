package dev.ato.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.primitives.ImmutableIntArray;
import dev.ato.tensor.ArrayTensor;
import dev.ato.tensor.ArrayTensorOps;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layout of three tensors and three groups: {@code a.weight} (axis 0) holds groups 0, 1, 2 at
 * indices 0, 1, 2; {@code b.weight} (axis 1) holds groups 0 and 2 at indices 0 and 1; {@code
 * c.gamma} holds group 0 at index 0. Group 0 has three members, group 1 one, group 2 two. Channels:
 * a's at 0..2 (and 3 when a is longer), then b's, then c's.
 */
class ChannelLayoutTest {

  private static final ArrayTensorOps OPS = ArrayTensorOps.INSTANCE;
  private static final List<TensorPlan> PLANS =
      List.of(
          new TensorPlan(
              "a", "weight", 0, ImmutableIntArray.of(0, 1, 2), ImmutableIntArray.of(0, 1, 2)),
          new TensorPlan("b", "weight", 1, ImmutableIntArray.of(0, 1), ImmutableIntArray.of(0, 2)),
          new TensorPlan("c", "gamma", 0, ImmutableIntArray.of(0), ImmutableIntArray.of(0)));

  @Test
  void slotsOrderGroupsByMemberCountSoThatEqualCountsFormABucket() {
    ChannelLayout layout = ChannelLayout.of(PLANS, new int[] {3, 2, 1}, 3);

    assertThat(layout.slots()).isEqualTo(3);
    assertThat(new int[] {layout.group(0), layout.group(1), layout.group(2)})
        .containsExactly(1, 2, 0);
  }

  @Test
  void slotSumsAddEachGroupsMembersAcrossTensors() {
    ChannelLayout layout = ChannelLayout.of(PLANS, new int[] {3, 2, 1}, 3);
    ChannelLayout.Upload<double[]> upload = layout.upload(OPS, new double[0], new int[0], null);

    // Group 0: channels 0, 3, 5; group 1: channel 1; group 2: channels 2, 4.
    double[] sums = layout.slotSums(OPS, new double[] {1, 2, 3, 4, 5, 6}, upload);

    assertThat(sums).containsExactly(2, 3 + 5, 1 + 4 + 6);
    assertThat(layout.byGroup(sums)).containsExactly(11, 2, 8);
  }

  @Test
  void groupsWithoutMembersHaveNoSlotAndANormOfZero() {
    ChannelLayout layout = ChannelLayout.of(PLANS, new int[] {3, 2, 1}, 4);

    assertThat(layout.slots()).isEqualTo(3);
    assertThat(layout.byGroup(new double[] {1, 2, 3})).containsExactly(3, 1, 2, 0);
  }

  @Test
  void scalingGivesEveryChannelItsGroupsFactorAndOneToChannelsInNoGroup() {
    ChannelLayout layout = ChannelLayout.of(PLANS, new int[] {4, 2, 1}, 3);
    ChannelLayout.Upload<double[]> upload = layout.upload(OPS, new double[0], new int[0], null);
    ArrayTensor a = ArrayTensor.of(new float[] {1, 1, 1, 1}, 4);
    ArrayTensor b = ArrayTensor.of(new float[] {1, 1, 1, 1}, 2, 2);
    ArrayTensor c = ArrayTensor.of(new float[] {1}, 1);

    // Slot factors in slot order: group 1, group 2, group 0.
    layout.scaleInPlace(OPS, List.of(a, b, c), new double[] {10, 20, 30}, new double[] {1}, upload);

    assertThat(a.toArray()).containsExactly(30, 10, 20, 1);
    assertThat(b.toArray()).containsExactly(30, 20, 30, 20);
    assertThat(c.toArray()).containsExactly(30);
  }

  @Test
  void theUploadCarriesTheHeadInItsPartsBeforeTheIndices() {
    ChannelLayout layout = ChannelLayout.of(PLANS, new int[] {3, 2, 1}, 3);

    ChannelLayout.Upload<double[]> upload =
        layout.upload(OPS, new double[] {7, 8, 9}, new int[] {2, 1}, null);

    assertThat(upload.head()).hasSize(2);
    assertThat(upload.head().get(0)).containsExactly(7, 8);
    assertThat(upload.head().get(1)).containsExactly(9);
    // Slot 0 (group 1): channel 1; slot 1 (group 2): 2, 4; slot 2 (group 0): 0, 3, 5.
    assertThat(upload.positions()).containsExactly(1, 2, 4, 0, 3, 5);
    assertThat(upload.channelSlots()).containsExactly(2, 0, 1, 2, 1, 2);
  }

  @Test
  void aTensorTooShortForItsPlanIsNamed() {
    assertThatThrownBy(() -> ChannelLayout.of(PLANS, new int[] {2, 2, 1}, 3))
        .hasMessage(
            "parameter 'weight' of layer 'a' has 2 indices along axis 0 but group 2 "
                + "needs index 2");
  }

  @Test
  void aLayoutFitsOnlyTheSamePlansWithTheSameLengths() {
    ChannelLayout layout = ChannelLayout.of(PLANS, new int[] {3, 2, 1}, 3);

    assertThat(layout.fits(PLANS, new int[] {3, 2, 1})).isTrue();
    assertThat(layout.fits(PLANS, new int[] {4, 2, 1})).isFalse();
    assertThat(layout.fits(PLANS.subList(0, 2), new int[] {3, 2})).isFalse();
  }
}
