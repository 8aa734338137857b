#!/usr/bin/env python3
"""Optional PyTorch peer for `deno task perf` (needs `import torch`, e.g.
Debian's python3-torch): trains the same mlp / dcgan steps as ganbench
(non-saturating loss, Adam 2e-4 β=(0.5, 0.999), n_critic 1, batch 64) on
random data of the data set's shape and prints one JSON row per cell with
the columns of benchmarks/perf.ts. Uses every CPU core unless --threads N.

With --inception it instead times pool3 feature extraction of pytorch-fid's
FID Inception-v3 (the architecture of
tests/fixtures/inception/make_inception_fixtures.py, weights irrelevant to
speed) on 299×299 inputs, and prints one JSON row
{"model", "backend", "batch_size", "threads", "images_per_s"}.

With --unet it instead times one pix2pix `l1-lsgan` training step of the
32x32 U-Net and the n = 2 PatchGAN of src/models/translation/ (1 -> 3
channels, batch 16 unless --batch, one thread unless --threads; the peer of
benchmarks/translation_step_speed.ts) and prints one JSON row
{"model", "objective", "backend", "batch_size", "threads", "step_ms",
"images_per_s", "images_per_cpu_s"}.

Usage: python3 benchmarks/torch_peer.py [--variants mlp,dcgan]
       [--datasets mnist,cifar10] [--steps 10] [--warmup 2] [--batch 64] [--threads N]
       python3 benchmarks/torch_peer.py --inception [--batch 16] [--threads 1]
       python3 benchmarks/torch_peer.py --unet [--batch 16] [--steps 8] [--threads 1]
"""
import argparse
import json
import os
import resource
import statistics
import time

import torch
from torch import nn

SHAPES = {"mnist": (28, 28, 1), "cifar10": (32, 32, 3)}


def mlp(h, w, c):
    flat = h * w * c
    g = nn.Sequential(
        nn.Linear(100, 128), nn.LeakyReLU(0.2),
        nn.Linear(128, 256), nn.LeakyReLU(0.2), nn.BatchNorm1d(256, 1e-3, 0.2),
        nn.Linear(256, 512), nn.LeakyReLU(0.2), nn.BatchNorm1d(512, 1e-3, 0.2),
        nn.Linear(512, 1024), nn.LeakyReLU(0.2), nn.BatchNorm1d(1024, 1e-3, 0.2),
        nn.Linear(1024, flat), nn.Tanh(), nn.Unflatten(1, (c, h, w)))
    d = nn.Sequential(
        nn.Flatten(), nn.Linear(flat, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
    return g, d, (c, h, w)


def dcgan(c):
    g = nn.Sequential(
        nn.Unflatten(1, (100, 1, 1)),
        nn.ConvTranspose2d(100, 256, 4, 1, 0, bias=False), nn.BatchNorm2d(256), nn.ReLU(),
        nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, c, 4, 2, 1, bias=False), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(c, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.LeakyReLU(0.2),
        nn.Conv2d(256, 1, 4, 1, 0, bias=False), nn.Flatten())
    return g, d, (c, 32, 32)


def cell(variant, dataset, steps, warmup, batch):
    h, w, c = SHAPES[dataset]
    g, d, shape = mlp(h, w, c) if variant == "mlp" else dcgan(c)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    real = torch.rand(batch, *shape) * 2 - 1
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

    def step():
        with torch.no_grad():
            fake = g(torch.randn(batch, 100))
        opt_d.zero_grad()
        ld = bce(d(real), ones) + bce(d(fake), zeros)
        ld.backward()
        opt_d.step()
        opt_g.zero_grad()
        lg = bce(d(g(torch.randn(batch, 100))), ones)
        lg.backward()
        opt_g.step()
        return ld.item(), lg.item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "variant": variant, "dataset": dataset,
        "backend": f"torch-{torch.__version__.split('+')[0]}-cpu-{torch.get_num_threads()}t",
        "batch_size": batch, "step_ms": round(ms, 1),
        "images_per_s": round(2 * batch / ms * 1000, 1), "steps": steps,
        "peak_rss_mib": round(rss), "shape": f"{shape[1]}x{shape[2]}x{shape[0]}",
    }


def inception_row(batch, threads, reps=2):
    """Best-of-reps pool3 images/s of the FID Inception-v3 (eval mode)."""
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "tests", "fixtures", "inception"))
    from make_inception_fixtures import FIDInceptionV3
    model = FIDInceptionV3().eval()
    x = torch.rand(batch, 3, 299, 299) * 2 - 1
    with torch.no_grad():
        model(x[:1])
        best = float("inf")
        for _ in range(reps):
            t0 = time.perf_counter()
            model(x)
            best = min(best, time.perf_counter() - t0)
    return {"model": "inception-v3-pool3", "backend": "torch-cpu",
            "batch_size": batch, "threads": threads,
            "images_per_s": round(batch / best, 3)}


class UnetBlock(nn.Module):
    """pix2pix's UnetSkipConnectionBlock with BatchNorm (no conv biases next
    to it); skips carry the in-place-activated input, as pix2pix's."""

    def __init__(self, outer, inner, in_nc=None, sub=None, outermost=False,
                 innermost=False, dropout=False):
        super().__init__()
        in_nc = outer if in_nc is None else in_nc
        self.outermost = outermost
        down = nn.Conv2d(in_nc, inner, 4, 2, 1, bias=False)
        if outermost:
            up = nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1)
            layers = [down, sub, nn.ReLU(True), up, nn.Tanh()]
        elif innermost:
            up = nn.ConvTranspose2d(inner, outer, 4, 2, 1, bias=False)
            layers = [nn.LeakyReLU(0.2, True), down,
                      nn.ReLU(True), up, nn.BatchNorm2d(outer)]
            if dropout:
                layers.append(nn.Dropout(0.5))
        else:
            up = nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1, bias=False)
            layers = [nn.LeakyReLU(0.2, True), down, nn.BatchNorm2d(inner),
                      sub, nn.ReLU(True), up, nn.BatchNorm2d(outer)]
            if dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], 1)


def unet32(cin, cout):
    """e 64-128-256-256 (32->2), dropout on the first two decoder layers
    (the innermost up-conv too, as the paper's and the Lua code's d1)."""
    b = UnetBlock(256, 256, innermost=True, dropout=True)
    b = UnetBlock(128, 256, sub=b, dropout=True)
    b = UnetBlock(64, 128, sub=b)
    return UnetBlock(cout, 64, in_nc=cin, sub=b, outermost=True)


def patch_d(c, n_layers=2):
    """pix2pix NLayerDiscriminator with BatchNorm (k4, padding 1)."""
    layers = [nn.Conv2d(c, 64, 4, 2, 1), nn.LeakyReLU(0.2, True)]
    mult = 1
    for n in range(1, n_layers + 1):
        prev, mult = mult, min(2 ** n, 8)
        layers += [nn.Conv2d(64 * prev, 64 * mult, 4, 2 if n < n_layers else 1, 1,
                             bias=False),
                   nn.BatchNorm2d(64 * mult), nn.LeakyReLU(0.2, True)]
    layers.append(nn.Conv2d(64 * mult, 1, 4, 1, 1))
    return nn.Sequential(*layers)


def unet_row(batch, steps, warmup, threads, cin=1, cout=3):
    """Median step time of pix2pix's l1-lsgan step (D update, then G)."""
    g, d = unet32(cin, cout), patch_d(cin + cout)
    for m in (g, d):
        for p in m.modules():
            if isinstance(p, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(p.weight, 0, 0.02)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    mse, l1 = nn.MSELoss(), nn.L1Loss()
    x = torch.rand(batch, cin, 32, 32) * 2 - 1
    y = torch.rand(batch, cout, 32, 32) * 2 - 1

    def step():
        fake = g(x)
        for p in d.parameters():
            p.requires_grad_(True)
        opt_d.zero_grad()
        pf = d(torch.cat([x, fake.detach()], 1))
        pr = d(torch.cat([x, y], 1))
        ld = 0.5 * (mse(pf, torch.zeros_like(pf)) + mse(pr, torch.ones_like(pr)))
        ld.backward()
        opt_d.step()
        for p in d.parameters():
            p.requires_grad_(False)
        opt_g.zero_grad()
        pf = d(torch.cat([x, fake], 1))
        lg = mse(pf, torch.ones_like(pf)) + 100 * l1(fake, y)
        lg.backward()
        opt_g.step()
        return ld.item(), lg.item()

    for _ in range(warmup):
        step()
    times = []
    c0 = time.process_time()
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - c0
    ms = statistics.median(times) * 1000
    return {"model": "unet32+patch-nlayer2", "objective": "l1-lsgan",
            "backend": f"torch-{torch.__version__.split('+')[0]}-cpu",
            "batch_size": batch, "threads": threads, "step_ms": round(ms, 1),
            "images_per_s": round(batch / ms * 1000, 1),
            "images_per_cpu_s": round(batch * steps / cpu, 1),
            "load_average": [round(v, 2) for v in os.getloadavg()]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--variants", default="mlp,dcgan")
    p.add_argument("--datasets", default="mnist,cifar10")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--inception", action="store_true")
    p.add_argument("--unet", action="store_true")
    a = p.parse_args()
    if a.threads is None:
        a.threads = 1 if a.unet else os.cpu_count() or 1
    if a.batch is None:
        a.batch = 16 if a.unet else 64
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.unet:
        print(json.dumps(unet_row(a.batch, a.steps, a.warmup, a.threads)), flush=True)
        return
    if a.inception:
        print(json.dumps(inception_row(a.batch, a.threads)), flush=True)
        return
    for v in a.variants.split(","):
        for ds in a.datasets.split(","):
            print(json.dumps(cell(v, ds, a.steps, a.warmup, a.batch)), flush=True)


if __name__ == "__main__":
    main()
