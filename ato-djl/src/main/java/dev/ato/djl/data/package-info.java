/**
 * Image data sets for training and evaluating pruned models: {@link
 * dev.ato.djl.data.IdxImageDataset} reads IDX files (the MNIST family's format, plain or gzip)
 * into one float32 NDArray of images and one of labels, and {@link dev.ato.djl.data.FashionMnist}
 * finds Fashion-MNIST where Debian's {@code dataset-fashion-mnist} package installs it.
 *
 * <p>Reading is done here rather than through DJL's {@code basicdataset} because that artifact
 * downloads its data at run time, which the offline build forbids, and because ATO's controller
 * needs a held-out part chosen by its own seed ({@link dev.ato.djl.data.IdxImageDataset#split}).
 */
package dev.ato.djl.data;
