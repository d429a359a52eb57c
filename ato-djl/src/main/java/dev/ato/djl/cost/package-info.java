/** Counting the FLOPs and parameters of DJL blocks. */
package dev.ato.djl.cost;
