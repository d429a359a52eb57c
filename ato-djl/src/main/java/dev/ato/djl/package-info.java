/**
 * Auto-Train-Once on DJL models: {@link dev.ato.djl.AutoTrainOnce} with its builder, the run's
 * result ({@link dev.ato.djl.AtoResult}), listeners and budget outcome. The run's parts are
 * package-private: Algorithm 1 ({@code AtoRun}), the controller step, the projection, the mask's
 * freeze, validation and result assembly.
 */
package dev.ato.djl;
