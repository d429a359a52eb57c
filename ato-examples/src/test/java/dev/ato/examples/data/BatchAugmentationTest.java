package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crops and flips of hand-made batches. The draws a seed gives were read off {@link
 * SplittableRandom} once ({@link #theSeedsDrawWhatTheTestsAssume} keeps them checked): with padding
 * 1, seed 1 gives the first image row offset +1 and column offset -1; with padding 0, seed 3 flips
 * the second of two images and not the first.
 */
@ExtendWith(ManagerPerTest.class)
class BatchAugmentationTest {

  private static final float F0 = -1f;
  private static final float F1 = -2f;

  @Test
  void theSeedsDrawWhatTheTestsAssume() {
    SplittableRandom one = new SplittableRandom(1);
    assertThat(one.nextInt(3) - 1).isEqualTo(1);
    assertThat(one.nextInt(3) - 1).isEqualTo(-1);
    SplittableRandom three = new SplittableRandom(3);
    three.nextInt(1);
    three.nextInt(1);
    assertThat(three.nextBoolean()).isFalse();
    three.nextInt(1);
    three.nextInt(1);
    assertThat(three.nextBoolean()).isTrue();
  }

  @Test
  void aCropShiftsTheContentByTheDrawnOffsetAndPadsWithEachChannelsFill(NDManager manager) {
    // Two channels of 3x3: 1..9 and 11..19. Offsets +1 (rows) and -1 (columns): pixel (y, x)
    // shows (y + 1, x - 1), so the content moves up one row and right one column.
    NDArray batch =
        manager.create(
            new float[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9,
              11, 12, 13, 14, 15, 16, 17, 18, 19
            },
            new Shape(1, 2, 3, 3));
    NDArray out = twoFills(Augmentation.CROP, 1, 1).transform(batch);
    assertThat(out.toFloatArray())
        .containsExactly(F0, 4, 5, F0, 7, 8, F0, F0, F0, F1, 14, 15, F1, 17, 18, F1, F1, F1);
  }

  @Test
  void aFlipMirrorsEachRow(NDManager manager) {
    NDArray batch =
        manager.create(
            new float[] {
              1, 2, 3, 4, 5, 6,
              7, 8, 9, 10, 11, 12
            },
            new Shape(2, 1, 2, 3));
    NDArray out = augmentation(Augmentation.CROP_FLIP, 0, 3).transform(batch);
    assertThat(out.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 9, 8, 7, 12, 11, 10);
  }

  @Test
  void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers(NDManager manager) {
    NDArray batch = manager.randomUniform(-1, 1, new Shape(8, 3, 8, 8));
    BatchAugmentation first = augmentation(Augmentation.CROP_FLIP, 2, 42);
    BatchAugmentation again = augmentation(Augmentation.CROP_FLIP, 2, 42);
    BatchAugmentation other = augmentation(Augmentation.CROP_FLIP, 2, 43);
    float[] one = first.transform(batch).toFloatArray();
    float[] two = first.transform(batch).toFloatArray();
    assertThat(again.transform(batch).toFloatArray()).containsExactly(one);
    assertThat(again.transform(batch).toFloatArray()).containsExactly(two);
    assertThat(other.transform(batch).toFloatArray()).isNotEqualTo(one);
    // The stream goes on: the next batch is augmented anew.
    assertThat(two).isNotEqualTo(one);
  }

  @Test
  void noneLeavesTheBatchAsItIs(NDManager manager) {
    NDArray batch = manager.randomUniform(-1, 1, new Shape(4, 3, 5, 5));
    assertThat(augmentation(Augmentation.NONE, 2, 7).transform(batch)).isSameAs(batch);
  }

  @Test
  void shapesAndTheManagerAreKept(NDManager manager) {
    BatchAugmentation crop = augmentation(Augmentation.CROP_FLIP, 2, 5);
    try (NDManager batchManager = manager.newSubManager()) {
      NDArray batch = batchManager.randomUniform(0, 1, new Shape(5, 3, 6, 7));
      NDArray out = crop.transform(batch);
      assertThat(out.getShape()).isEqualTo(new Shape(5, 3, 6, 7));
      assertThat(out.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(out.getManager()).isSameAs(batchManager);
      NDArray single = crop.transform(batchManager.ones(new Shape(3, 6, 7)));
      assertThat(single.getShape()).isEqualTo(new Shape(3, 6, 7));
    }
  }

  @Test
  void theDefaultPaddingIsAnEighthOfTheSide(NDManager manager) {
    assertThat(BatchAugmentation.defaultPadding(32, 32)).isEqualTo(4);
    assertThat(BatchAugmentation.defaultPadding(28, 28)).isEqualTo(4);
    assertThat(BatchAugmentation.defaultPadding(224, 224)).isEqualTo(28);
    // A 1x8 image padded by 1 with 0 and cropped: shifted by at most one column.
    NDArray batch = manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 1, 1, 8));
    BatchAugmentation crop =
        BatchAugmentation.builder().setAugmentation(Augmentation.CROP).optSeed(9).build();
    for (int i = 0; i < 20; i++) {
      float[] out = crop.transform(batch).toFloatArray();
      assertThat(out)
          .satisfiesAnyOf(
              values -> assertThat(values).containsExactly(1, 2, 3, 4, 5, 6, 7, 8),
              values -> assertThat(values).containsExactly(0, 0, 0, 0, 0, 0, 0, 0),
              values -> assertThat(values).containsExactly(0, 1, 2, 3, 4, 5, 6, 7),
              values -> assertThat(values).containsExactly(2, 3, 4, 5, 6, 7, 8, 0));
    }
  }

  @Test
  void batchesOfTheWrongKindAreRejectedWithTheirShapeOrType(NDManager manager) {
    BatchAugmentation crop = twoFills(Augmentation.CROP, 1, 1);
    assertThatThrownBy(() -> crop.transform(manager.ones(new Shape(4, 4))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("BatchAugmentation takes images [B, C, H, W] or [C, H, W], got shape (4, 4)");
    assertThatThrownBy(() -> crop.transform(manager.ones(new Shape(1, 1, 2, 2), DataType.UINT8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "BatchAugmentation takes float32 images, got uint8: convert them first "
                + "(ToTensor)");
    assertThatThrownBy(() -> crop.transform(manager.ones(new Shape(1, 3, 2, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the fill has 2 values [-1.0, -2.0] but the images have 3 channels: give one "
                + "value, or one per channel");
  }

  @Test
  void theBuilderWantsAnAugmentationAndEachOptionOnce() {
    assertThatThrownBy(() -> BatchAugmentation.builder().optSeed(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no augmentation: call setAugmentation([NONE, CROP, CROP_FLIP])");
    assertThatThrownBy(() -> BatchAugmentation.builder().optSeed(1).optSeed(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("optSeed was already set to 1");
    assertThatThrownBy(
            () ->
                BatchAugmentation.builder()
                    .setAugmentation(Augmentation.CROP)
                    .optSeed(1)
                    .optPadding(-1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the padding must be at least 0, got -1: pass the largest shift in pixels");
  }

  @Test
  void withoutASeedTheCropsFollowTheEnginesGenerator(NDManager manager) {
    // What a resumed run relies on: the engine reseeded as before gives the same crops.
    NDArray batch = manager.arange(0f, 64f).reshape(4, 1, 4, 4);
    BatchAugmentation crops =
        BatchAugmentation.builder().setAugmentation(Augmentation.CROP_FLIP).optPadding(1).build();

    Engine.getInstance().setRandomSeed(5);
    float[] first = crops.transform(batch).toFloatArray();
    float[] second = crops.transform(batch).toFloatArray();
    Engine.getInstance().setRandomSeed(5);
    float[] again = crops.transform(batch).toFloatArray();

    assertThat(again).containsExactly(first);
    assertThat(second).isNotEqualTo(first);
  }

  /** {@code what} with the default fill, 0. */
  private static BatchAugmentation augmentation(Augmentation what, int padding, long seed) {
    return BatchAugmentation.builder()
        .setAugmentation(what)
        .optSeed(seed)
        .optPadding(padding)
        .build();
  }

  /** {@code what} with fill -1 for channel 0 and -2 for channel 1. */
  private static BatchAugmentation twoFills(Augmentation what, int padding, long seed) {
    return BatchAugmentation.builder()
        .setAugmentation(what)
        .optSeed(seed)
        .optPadding(padding)
        .optFill(F0, F1)
        .build();
  }
}
