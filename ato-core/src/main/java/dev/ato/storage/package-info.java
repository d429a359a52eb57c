/**
 * What ato writes to disk and reads back: directories whose files a checksum manifest covers, so
 * that a damaged file is an error naming it rather than a network that loads with wrong values.
 */
package dev.ato.storage;
