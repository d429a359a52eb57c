/**
 * The examples' image data. {@link dev.ato.examples.data.ImageData} is the one entry point: the
 * training and test part of a directory in any {@link dev.ato.examples.data.DataFormat}, with
 * shapes, class names and a one-line description.
 *
 * <p>Small data sets are read whole into one float32 NDArray of images and one of labels ({@link
 * dev.ato.examples.data.InMemoryImageDataset}): IDX files (MNIST and Fashion-MNIST, {@link
 * dev.ato.examples.data.IdxImageDataset}, found where Debian's {@code dataset-fashion-mnist}
 * installs them by {@link dev.ato.examples.data.FashionMnist}) and CIFAR-10/100's binary files
 * ({@link dev.ato.examples.data.CifarBinary}); their training batches are augmented whole by {@link
 * dev.ato.examples.data.BatchAugmentation}. Folders of image files are read batch by batch through
 * DJL's {@code ImageFolder} ({@link dev.ato.examples.data.ImageFolders}).
 *
 * <p>The in-memory formats are read here rather than through DJL's {@code basicdataset} because its
 * readers of them download their data at run time, which the offline build forbids; its {@code
 * ImageFolder} reads local files only, and is used.
 */
package dev.ato.examples.data;
