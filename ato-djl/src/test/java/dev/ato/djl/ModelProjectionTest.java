package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The projection on an untrained ResNet-8 with the README's options (group lasso). */
class ModelProjectionTest {

  /** Prunes group 0 only. */
  private static GroupMask firstPruned(AutoTrainOnce ato) {
    boolean[] keep = new boolean[ato.groups().size()];
    Arrays.fill(keep, true);
    keep[0] = false;
    return GroupMask.of(keep);
  }

  private static ModelProjection projection(AutoTrainOnce ato) {
    return new ModelProjection(ato.graph(), ato.groups(), ato.context().settings());
  }

  @Test
  void projectionStartsAtTheWarmUpAndOnlyWithGroupsToPrune() throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).build()) {
      ModelProjection projection = projection(ato);
      long warmup = ato.schedule().warmupStep();
      GroupMask pruning = firstPruned(ato);

      assertThat(projection.projects(warmup - 1, pruning)).isFalse();
      assertThat(projection.projects(warmup, pruning)).isTrue();
      assertThat(projection.projects(warmup, GroupMask.allKept(ato.groups().size()))).isFalse();
    }
  }

  @Test
  void aGroupLassoStepShrinksAPrunedGroupsNormByLearningRateTimesLambda() throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).build()) {
      ModelProjection projection = projection(ato);
      long warmup = ato.schedule().warmupStep();
      GroupMask pruning = firstPruned(ato);
      double before = projection.largestPrunedNorm(pruning);

      projection.after(warmup, pruning, Optional.empty());

      // The builder's default optimiser steps at 0.05 and lambda is 10 during the search: the
      // proximal step takes 0.5 off the group's norm (the untrained group's norm is larger).
      assertThat(before).isGreaterThan(0.5);
      assertThat(projection.largestPrunedNorm(pruning)).isCloseTo(before - 0.5, within(1e-4));
    }
  }

  @Test
  void withNothingPrunedTheLargestPrunedNormIsZero() throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).build()) {
      assertThat(projection(ato).largestPrunedNorm(GroupMask.allKept(ato.groups().size())))
          .isZero();
    }
  }
}
