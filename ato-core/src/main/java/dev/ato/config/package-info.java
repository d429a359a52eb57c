/**
 * An ATO run's configuration: what decides what the run computes apart from the model, the data and
 * the engine ({@link dev.ato.config.AtoConfig}), and where its mask comes from ({@link
 * dev.ato.config.MaskSource}). Engine-neutral values with a JSON form, carried into a run's result
 * and checkpoints.
 */
package dev.ato.config;
