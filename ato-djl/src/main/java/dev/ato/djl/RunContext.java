package dev.ato.djl;

import ai.djl.Model;
import dev.ato.controller.FlopsBudget;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.groups.GroupSet;

/**
 * What {@link RunPreparation} makes ready for a run: the model, initialised and read, its groups
 * and costs, the budget, and the run's resolved settings. The run's parts take it, or the part of
 * it they need, instead of the facade.
 *
 * @param model the model being trained and pruned
 * @param ownsModel whether ato made the model (for a bare block) and closes it
 * @param graph the model's channel-flow graph
 * @param groups the prunable groups and controller blocks
 * @param cost the model's costs, whole and under a mask
 * @param target the FLOPs target, for the whole model and for its prunable part
 * @param budget the target and its tolerance
 * @param settings every setting of the run, defaults filled in
 */
record RunContext(
    Model model,
    boolean ownsModel,
    ModelGraph graph,
    GroupSet groups,
    CostModel cost,
    FlopsTarget target,
    FlopsBudget budget,
    RunSettings settings) {}
