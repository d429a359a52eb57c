/**
 * The controller's mathematics that needs no autodiff: Gumbel-sigmoid sampling and hard rounding of
 * the mask, and the FLOPs penalty. The controller network itself lives in the engine binding.
 */
package dev.ato.controller;
