/**
 * The examples' image data: IDX files (MNIST and Fashion-MNIST, {@link
 * dev.ato.examples.data.IdxImageDataset}, found where Debian's {@code dataset-fashion-mnist}
 * installs them by {@link dev.ato.examples.data.FashionMnist}), read into one float32 NDArray of
 * images and one of labels.
 *
 * <p>Reading is done here rather than through DJL's {@code basicdataset} because that artifact
 * downloads its data at run time, which the offline build forbids.
 */
package dev.ato.examples.data;
