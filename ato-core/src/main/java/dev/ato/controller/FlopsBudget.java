package dev.ato.controller;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.primitives.ImmutableIntArray;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The promise a run makes: the whole model's FLOPs reduction within {@code tolerance} of the
 * target. {@link #isMet} tells whether a mask keeps it; {@link #correct} brings a mask that does
 * not to the budget by the controller's own scores. Immutable.
 *
 * <p>The rule of {@link #correct}: when the mask keeps too many FLOPs, prune kept groups in order
 * of their score, lowest first; when it keeps too few, restore pruned groups, highest score first;
 * stop once the reduction has reached the target. A group whose change would carry the reduction
 * beyond the tolerance on the other side is passed over, and so is one that would leave a layer
 * with no channel. The scores are the controller's logits, so the groups changed are the ones the
 * controller was least sure of.
 */
public final class FlopsBudget {

  /** One percentage point of the whole model's FLOPs. */
  public static final double DEFAULT_TOLERANCE = 0.01;

  /** Float slack so that a mask exactly at the edge of the tolerance counts as meeting it. */
  private static final double SLACK = 1e-12;

  private final CostModel cost;
  private final GroupSet groups;
  private final double target;
  private final double tolerance;

  private FlopsBudget(CostModel cost, GroupSet groups, double target, double tolerance) {
    this.cost = cost;
    this.groups = groups;
    this.target = target;
    this.tolerance = tolerance;
  }

  /**
   * The budget of {@code target} for the model {@code cost} prices.
   *
   * @throws IllegalArgumentException when the tolerance is not in (0, 1) or the cost model and the
   *     groups disagree
   */
  public static FlopsBudget of(
      CostModel cost, GroupSet groups, FlopsTarget target, double tolerance) {
    checkArgument(
        tolerance > 0 && tolerance < 1,
        "the tolerance is a share of the model's FLOPs and must lie in (0, 1), e.g. 0.01 for one "
            + "percentage point; found %s",
        tolerance);
    checkArgument(
        cost.groupCount() == groups.size(),
        "the cost model prices %s groups but the group set has %s",
        cost.groupCount(),
        groups.size());
    return new FlopsBudget(cost, groups, target.reduction(), tolerance);
  }

  /** The share of the whole model's FLOPs to remove. */
  public double target() {
    return target;
  }

  /** How far from the target the reduction may be. */
  public double tolerance() {
    return tolerance;
  }

  /** The share of the whole model's FLOPs that {@code mask} removes. */
  public double reduction(GroupMask mask) {
    return 1 - cost.flops(mask) / cost.flops();
  }

  /** Whether {@code mask}'s reduction is within the tolerance of the target. */
  public boolean isMet(GroupMask mask) {
    return Math.abs(reduction(mask) - target) <= tolerance + SLACK;
  }

  /**
   * {@code mask} brought to the budget by the rule in the class comment; {@code mask} itself when
   * it meets the budget already. The result may still miss the budget when no order of single
   * changes reaches it (groups too coarse for the tolerance): check {@link #isMet}.
   *
   * @param scores one per group; higher means the controller prefers to keep the group
   * @throws IllegalArgumentException when the mask or the scores do not cover the groups
   */
  public Correction correct(GroupMask mask, double[] scores) {
    checkArgument(
        mask.size() == groups.size() && scores.length == groups.size(),
        "the mask (%s) and the scores (%s) must cover the %s groups",
        mask.size(),
        scores.length,
        groups.size());
    if (isMet(mask)) {
      return new Correction(mask, ImmutableIntArray.of(), ImmutableIntArray.of());
    }
    boolean prune = reduction(mask) < target;
    boolean[] keep = new boolean[mask.size()];
    for (int g = 0; g < keep.length; g++) {
      keep[g] = mask.isKept(g);
    }
    // Candidates: the kept groups, least wanted first, or the pruned ones, most wanted first.
    Comparator<Integer> order = Comparator.comparingDouble(g -> scores[g]);
    List<Integer> candidates =
        IntStream.range(0, keep.length)
            .filter(g -> keep[g] == prune)
            .boxed()
            .sorted(prune ? order : order.reversed())
            .toList();
    ImmutableIntArray.Builder changed = ImmutableIntArray.builder();
    double reduction = reduction(mask);
    for (int g : candidates) {
      if (prune ? reduction >= target : reduction <= target) {
        break;
      }
      keep[g] = !prune;
      GroupMask tried = GroupMask.of(keep);
      double next = reduction(tried);
      boolean overshoots = prune ? next > target + tolerance : next < target - tolerance;
      if (overshoots || !groups.keepingEveryLayer(tried).equals(tried)) {
        keep[g] = prune;
        continue;
      }
      reduction = next;
      changed.add(g);
    }
    GroupMask corrected = GroupMask.of(keep);
    return prune
        ? new Correction(corrected, changed.build(), ImmutableIntArray.of())
        : new Correction(corrected, ImmutableIntArray.of(), changed.build());
  }

  /**
   * {@code mask} with every controller block keeping a multiple of {@code multiple} of its groups,
   * or all of them, and then brought to the budget in such steps. Engines that compute in blocks of
   * channels (oneDNN: 8 wide for SSE4.1 and AVX2, 16 for AVX-512) pay for a partly filled block as
   * for a full one, so only whole blocks turn fewer FLOPs into less time.
   *
   * <p>Each block's count goes to the nearest allowed one (the larger on a tie), keeping its
   * highest-scored groups. While the budget is missed, the block whose next step towards the target
   * changes the groups of lowest mean score (when pruning; highest when restoring) takes that step,
   * unless it would carry the reduction beyond the tolerance on the other side; when no single step
   * fits, one block steps towards the target and another away from it, the pair landing within the
   * tolerance nearest the target. A block of fewer groups than {@code multiple} is kept whole. The
   * result may miss the budget when the steps are too coarse for the tolerance: check {@link
   * #isMet}.
   *
   * @param scores one per group; higher means more wanted
   * @param multiple the step, at least 1; 1 leaves {@code mask} as it is
   * @throws IllegalArgumentException when the mask or the scores do not cover the groups
   */
  public GroupMask roundBlocks(GroupMask mask, double[] scores, int multiple) {
    checkArgument(
        mask.size() == groups.size() && scores.length == groups.size(),
        "the mask (%s) and the scores (%s) must cover the %s groups",
        mask.size(),
        scores.length,
        groups.size());
    checkArgument(multiple >= 1, "the channel multiple must be at least 1, found %s", multiple);
    if (multiple == 1) {
      return mask;
    }
    List<ControllerBlock> blocks = groups.blocks();
    int[] kept = new int[blocks.size()];
    for (ControllerBlock block : blocks) {
      int count = block.size() - mask.prunedCount(block.firstGroup(), block.size());
      kept[block.index()] = nearestAllowed(count, block.size(), multiple);
    }
    while (!isMet(keeping(kept, scores))) {
      boolean prune = reduction(keeping(kept, scores)) < target;
      int best = -1;
      double bestScore = 0;
      int[] tried = kept.clone();
      for (ControllerBlock block : blocks) {
        int now = kept[block.index()];
        int next =
            prune
                ? now - step(now, block.size(), multiple, false)
                : now + step(now, block.size(), multiple, true);
        if (next == now) {
          continue;
        }
        tried[block.index()] = next;
        double reached = reduction(keeping(tried, scores));
        tried[block.index()] = now;
        if (prune ? reached > target + tolerance + SLACK : reached < target - tolerance - SLACK) {
          continue;
        }
        double changed = meanScore(block, scores, Math.min(now, next), Math.max(now, next));
        if (best < 0 || (prune ? changed < bestScore : changed > bestScore)) {
          best = block.index();
          bestScore = changed;
        }
      }
      if (best < 0) {
        // No single step fits; one block stepping towards the target and another away from it
        // may land within the tolerance where neither alone does.
        if (!stepPair(kept, scores, multiple, prune)) {
          break;
        }
        continue;
      }
      ControllerBlock block = blocks.get(best);
      kept[best] =
          prune
              ? kept[best] - step(kept[best], block.size(), multiple, false)
              : kept[best] + step(kept[best], block.size(), multiple, true);
    }
    return keeping(kept, scores);
  }

  /**
   * Takes the pair of steps, one block towards the target and another away from it, that lands
   * within the tolerance nearest the target; whether there was one.
   */
  private boolean stepPair(int[] kept, double[] scores, int multiple, boolean prune) {
    List<ControllerBlock> blocks = groups.blocks();
    int[] best = null;
    double bestDistance = Double.MAX_VALUE;
    // Pruning steps a block down (fewer groups kept) and the other up; restoring the reverse.
    boolean towardUp = !prune;
    for (ControllerBlock toward : blocks) {
      int towardStep = step(kept[toward.index()], toward.size(), multiple, towardUp);
      for (ControllerBlock away : blocks) {
        int awayStep = step(kept[away.index()], away.size(), multiple, !towardUp);
        if (toward.index() == away.index() || towardStep == 0 || awayStep == 0) {
          continue;
        }
        int[] tried = kept.clone();
        tried[toward.index()] += towardUp ? towardStep : -towardStep;
        tried[away.index()] += towardUp ? -awayStep : awayStep;
        GroupMask mask = keeping(tried, scores);
        double distance = Math.abs(reduction(mask) - target);
        if (isMet(mask) && distance < bestDistance) {
          best = tried;
          bestDistance = distance;
        }
      }
    }
    if (best != null) {
      System.arraycopy(best, 0, kept, 0, kept.length);
    }
    return best != null;
  }

  /** The allowed count nearest {@code count}: a multiple of {@code multiple}, or all. */
  private static int nearestAllowed(int count, int size, int multiple) {
    if (size <= multiple) {
      return size;
    }
    int below = Math.max(multiple, count / multiple * multiple);
    int above = Math.min(size, below + multiple);
    return count - below < above - count ? below : above;
  }

  /** How far the next allowed count lies from {@code now}, up or down; 0 when there is none. */
  private static int step(int now, int size, int multiple, boolean up) {
    if (size <= multiple) {
      return 0;
    }
    if (up) {
      return now == size ? 0 : Math.min(size, (now / multiple + 1) * multiple) - now;
    }
    if (now <= multiple) {
      return 0;
    }
    int lower = now % multiple == 0 ? now - multiple : now / multiple * multiple;
    return now - lower;
  }

  /** The mask keeping each block's {@code kept} highest-scored groups (lower id on a tie). */
  private GroupMask keeping(int[] kept, double[] scores) {
    boolean[] keep = new boolean[groups.size()];
    for (ControllerBlock block : groups.blocks()) {
      List<Integer> ranked = ranked(block, scores);
      for (int r = 0; r < kept[block.index()]; r++) {
        keep[ranked.get(r)] = true;
      }
    }
    return GroupMask.of(keep);
  }

  /** The mean score of the groups ranked {@code from} (inclusive) to {@code to} in a block. */
  private static double meanScore(ControllerBlock block, double[] scores, int from, int to) {
    return ranked(block, scores).subList(from, to).stream()
        .mapToDouble(g -> scores[g])
        .average()
        .orElse(0);
  }

  /** A block's groups, most wanted first. */
  private static List<Integer> ranked(ControllerBlock block, double[] scores) {
    return IntStream.range(block.firstGroup(), block.endGroup())
        .boxed()
        .sorted(Comparator.comparingDouble((Integer g) -> -scores[g]).thenComparingInt(g -> g))
        .toList();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "FlopsBudget(-%.1f%% +- %.1f points)", 100 * target, 100 * tolerance);
  }

  /**
   * A mask after {@link #correct}.
   *
   * @param mask the corrected mask
   * @param pruned groups the correction pruned, in the order it pruned them
   * @param restored groups the correction kept again, in order
   */
  public record Correction(GroupMask mask, ImmutableIntArray pruned, ImmutableIntArray restored) {

    /** Whether the correction changed the mask. */
    public boolean changed() {
      return !pruned.isEmpty() || !restored.isEmpty();
    }
  }
}
