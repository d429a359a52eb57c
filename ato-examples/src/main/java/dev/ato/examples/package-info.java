/**
 * Command-line examples of ato. {@link dev.ato.examples.GraphReport} shows the groups, blocks and
 * costs that ATO works with on well-known architectures.
 */
package dev.ato.examples;
