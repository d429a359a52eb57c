/**
 * How ato divides a user's training data: {@link dev.ato.djl.data.HeldOutSplit} holds out the share
 * of the training set that ATO's controller learns from, chosen by the run's seed alone.
 */
package dev.ato.djl.data;
