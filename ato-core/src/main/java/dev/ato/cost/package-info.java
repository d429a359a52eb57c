/**
 * The FLOPs and parameter model: what a network costs, whole and under a mask, and the conversion
 * of a whole-model FLOPs reduction into the controller's target ratio.
 */
package dev.ato.cost;
