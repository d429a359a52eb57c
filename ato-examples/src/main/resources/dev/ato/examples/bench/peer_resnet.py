"""The PyTorch eager peer of ato's speed benchmark.

Trains the CIFAR-style ResNet of dev.ato.examples.models.CifarResNet (same layers, widths and
bias-free convolutions) on Fashion-MNIST read from its IDX files, with SGD (momentum, weight
decay) at the given batch size and thread count, and prints one JSON line with the mean
wall-clock seconds of the steps after the warm-up. Started by ato's benchmark command, which
passes the same settings as its own runs.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit("no %s(.gz) in %s" % (stem, directory))


class Unit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if cin != cout or stride != 1:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        residual = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(residual + (x if self.shortcut is None else self.shortcut(x)))


def cifar_resnet(depth, classes, width=16, channels=1):
    units = (depth - 2) // 6
    layers = [nn.Conv2d(channels, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
    channels = width
    for stage in range(3):
        for unit in range(units):
            layers.append(Unit(channels, width << stage, 2 if stage > 0 and unit == 0 else 1))
            channels = width << stage
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(channels, classes))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--images", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    images = read_idx(find(args.data, "train-images-idx3-ubyte"))[:args.images]
    labels = read_idx(find(args.data, "train-labels-idx1-ubyte"))[:args.images]
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    x = (x - x.mean()) / x.std()
    y = torch.from_numpy(labels.astype(np.int64))

    model = cifar_resnet(args.depth, 10)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                                weight_decay=args.weight_decay)
    step_seconds = []
    step = 0
    for _ in range(args.epochs):
        order = torch.randperm(len(y))
        previous = time.perf_counter()
        for start in range(0, len(y) - args.batch + 1, args.batch):
            index = order[start:start + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
            now = time.perf_counter()
            if step >= args.warmup:
                step_seconds.append(now - previous)
            previous = now
            step += 1
    print(json.dumps({
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "steps": step,
        "counted_steps": len(step_seconds),
        "mean_step_seconds": sum(step_seconds) / len(step_seconds),
        "final_loss": loss.item(),
    }))


if __name__ == "__main__":
    main()
