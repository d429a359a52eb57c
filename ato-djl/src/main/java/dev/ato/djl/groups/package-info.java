/** Zero-invariant groups checked on the real DJL model. */
package dev.ato.djl.groups;
