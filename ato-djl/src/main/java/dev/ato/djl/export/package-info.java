/**
 * Networks out of DJL: a compressed network (either form) or any model ato reads, written as an
 * ONNX file that ONNX Runtime and the other deployment runtimes load.
 */
package dev.ato.djl.export;
