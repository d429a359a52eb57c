/** Engine-level switches that ato needs around DJL calls (autograd recording). */
package dev.ato.djl.engine;
