"""The PyTorch peer of ato's deployment benchmark: inference of a dense network, frozen.

Builds the dense network of dev.ato.examples.models (CifarResNet or CifarMobileNetV2: same
layers, widths and bias-free convolutions), puts it in evaluation mode, scripts and freezes it
with torch.jit.optimize_for_inference (convolution and batch norm folded, oneDNN's layouts
prepacked), and times forward passes at each batch size with the given thread count. Prints one
JSON line: the median, lowest and highest seconds per pass at each batch size. Started by ato's
benchmark command, which runs nothing else while it runs.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn

from peer_resnet import cifar_resnet


def divisible(value):
    rounded = max(8, int(value + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * value else rounded


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, expansion, stride):
        super().__init__()
        hidden = cin * expansion
        layers = []
        if expansion != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden),
                       nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
                   nn.BatchNorm2d(hidden), nn.ReLU6(),
                   nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


STAGES = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
          (6, 160, 3, 2), (6, 320, 1, 1)]


def cifar_mobilenetv2(channels, classes, width=1.0):
    stem = divisible(32 * width)
    layers = [nn.Conv2d(channels, stem, 3, 1, 1, bias=False), nn.BatchNorm2d(stem), nn.ReLU6()]
    cin = stem
    for expansion, c, repeats, stride in STAGES:
        cout = divisible(c * width)
        for repeat in range(repeats):
            layers.append(InvertedResidual(cin, cout, expansion, stride if repeat == 0 else 1))
            cin = cout
    last = divisible(1280 * width) if width > 1 else 1280
    layers += [nn.Conv2d(cin, last, 1, bias=False), nn.BatchNorm2d(last), nn.ReLU6(),
               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(last, classes)]
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=["resnet20", "mobilenetv2"], required=True)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--batches", default="1,64")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--passes", type=int, default=50)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(42)
    if args.network == "resnet20":
        model = cifar_resnet(20, 10, channels=args.channels)
    else:
        model = cifar_mobilenetv2(args.channels, 10)
    model.eval()
    frozen = torch.jit.optimize_for_inference(torch.jit.script(model))
    figures = {"torch_version": torch.__version__, "threads": torch.get_num_threads()}
    with torch.no_grad():
        for batch in [int(b) for b in args.batches.split(",")]:
            x = torch.randn(batch, args.channels, args.size, args.size)
            for _ in range(args.warmup):
                frozen(x)
            seconds = []
            for _ in range(args.passes):
                started = time.perf_counter()
                frozen(x)
                seconds.append(time.perf_counter() - started)
            figures["seconds_batch_%d" % batch] = statistics.median(seconds)
            figures["seconds_batch_%d_min" % batch] = min(seconds)
            figures["seconds_batch_%d_max" % batch] = max(seconds)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
