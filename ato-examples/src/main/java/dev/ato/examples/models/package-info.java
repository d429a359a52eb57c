/** Networks ato is shown on, as plain DJL blocks that any DJL user could have written. */
package dev.ato.examples.models;
