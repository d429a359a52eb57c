package dev.ato.controller;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.primitives.ImmutableIntArray;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
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
 * of their score, lowest first; when it keeps too few, restore pruned groups, highest score
 * first; stop once the reduction has reached the target. A group whose change would carry the
 * reduction beyond the tolerance on the other side is passed over, and so is one that would
 * leave a layer with no channel. The scores are the controller's logits, so the groups changed
 * are the ones the controller was least sure of.
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
   * @throws IllegalArgumentException when the tolerance is not in (0, 1) or the cost model and
   *     the groups disagree
   */
  public static FlopsBudget of(CostModel cost, GroupSet groups, FlopsTarget target,
      double tolerance) {
    checkArgument(tolerance > 0 && tolerance < 1,
        "the tolerance is a share of the model's FLOPs and must lie in (0, 1), e.g. 0.01 for one "
            + "percentage point; found %s", tolerance);
    checkArgument(cost.groupCount() == groups.size(),
        "the cost model prices %s groups but the group set has %s", cost.groupCount(),
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
   * {@code mask} brought to the budget by the rule in the class comment; {@code mask} itself
   * when it meets the budget already. The result may still miss the budget when no order of
   * single changes reaches it (groups too coarse for the tolerance): check {@link #isMet}.
   *
   * @param scores one per group; higher means the controller prefers to keep the group
   * @throws IllegalArgumentException when the mask or the scores do not cover the groups
   */
  public Correction correct(GroupMask mask, double[] scores) {
    checkArgument(mask.size() == groups.size() && scores.length == groups.size(),
        "the mask (%s) and the scores (%s) must cover the %s groups", mask.size(), scores.length,
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
    List<Integer> candidates = IntStream.range(0, keep.length).filter(g -> keep[g] == prune)
        .boxed().sorted(prune ? order : order.reversed()).toList();
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
    return prune ? new Correction(corrected, changed.build(), ImmutableIntArray.of())
        : new Correction(corrected, ImmutableIntArray.of(), changed.build());
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FlopsBudget(-%.1f%% +- %.1f points)", 100 * target,
        100 * tolerance);
  }

  /**
   * A mask after {@link #correct}.
   *
   * @param mask the corrected mask
   * @param pruned groups the correction pruned, in the order it pruned them
   * @param restored groups the correction kept again, in order
   */
  public record Correction(GroupMask mask, ImmutableIntArray pruned,
      ImmutableIntArray restored) {

    /** Whether the correction changed the mask. */
    public boolean changed() {
      return !pruned.isEmpty() || !restored.isEmpty();
    }
  }
}
