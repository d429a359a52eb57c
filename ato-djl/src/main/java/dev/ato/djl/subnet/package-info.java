/**
 * The compressed network: a physically smaller DJL block cut from a model by a mask, its
 * architecture description, and saving and loading it without the original model.
 */
package dev.ato.djl.subnet;
