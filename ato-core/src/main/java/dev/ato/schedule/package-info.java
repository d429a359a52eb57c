/**
 * When things happen in an ATO run: the controller window, the start of projection, the freezing of
 * the mask, and the group-lasso strength over time.
 */
package dev.ato.schedule;
