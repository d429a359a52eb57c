/**
 * Channel-flow graphs of well-known architectures (CIFAR ResNets, ResNet-50, MobileNetV2), for cost
 * and group estimates without an engine and as references for the engine bindings.
 */
package dev.ato.architectures;
