"""PyTorch as the peer of ncl's benches: the same workloads, timed the same way.

ncl's benches (bench/*.ts) run this script when a python3 with torch is found and print its rows
next to their own. The workloads come from the bench as JSON, so their shapes are defined once:

    python3 bench/peer_torch.py matmul '[{"name": "512", "M": 512, "K": 512, "N": 512, "transB": false}]'
    python3 bench/peer_torch.py conv '[{"name": "a", "N": 4, "Cin": 64, "Cout": 64, "H": 64, "k": 3,
                                        "stride": 1, "dilation": 1, "padding": 1}]'
    python3 bench/peer_torch.py contrastive '[{"n": 1024, "d": 128, "tau": 0.1}]'
    python3 bench/peer_torch.py train '[{"export": "model.safetensors", "images": "x.f32", "masks": "m.u8",
                                         "batch": 8, "rows": [0, 3, ...], "lr": 0.001, "weightDecay": 0.05}]'

Options: --warmup W, --repeat R (ms is the median of R timed runs after W untimed ones; each run
is waited for: torch.cuda.synchronize on a GPU). float32 with TF32 off (--float64: float64, the
reference a test compares ncl's float32 numbers with), on CUDA when present, else the CPU.
Output: one JSON object per line, a header first, then one row per measurement.

The train workload is ncl's training step (bench/train.ts) on ncl's network, batch and patch
sample (bench/train-peer.ts writes them): forward, the NCL losses unfused (scripts/ncl_pytorch.py,
the one copy of the network and losses in PyTorch), backward, AdamW.

The contrastive loss is the supervised contrastive loss of docs/method.md §5 written the usual
unfused way (the N×N similarity matrix, a masked log-softmax, the mean over positives), with the
bench's labels: row i is ignored when i % 7 == 3, else of class i % 2.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'scripts'))
from ncl_pytorch import contrastive_terms, load_ncl_export, ncl_losses, supcon_loss  # noqa: E402  (the one copy of the network and losses)


def device():
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def wait(dev):
    if dev.type == 'cuda':
        torch.cuda.synchronize()


def timed(run, dev, warmup, repeat):
    """(median ms, min ms, max ms) of `repeat` runs after `warmup`, each waited for."""
    for _ in range(warmup):
        run()
        wait(dev)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        wait(dev)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def values(shape, seed, dev):
    """Deterministic inputs of the same form as the benches' (sines of the element index)."""
    count = 1
    for d in shape:
        count *= d
    i = torch.arange(count, dtype=torch.float64)
    return (torch.sin(i * 12.9898 + seed) * 0.5).to(torch.get_default_dtype()).reshape(shape).to(dev)


def bench_matmul(spec, dev, o):
    for s in spec:
        a = values([s['M'], s['K']], 1, dev)
        b = values([s['N'], s['K']] if s['transB'] else [s['K'], s['N']], 2, dev)
        run = (lambda: a @ b.t()) if s['transB'] else (lambda: a @ b)
        ms, lo, hi = timed(run, dev, o.warmup, o.repeat)
        yield {'impl': 'pytorch', 'n': s['name'], 'ms': ms, 'min': lo, 'max': hi, 'gflops': 2 * s['M'] * s['N'] * s['K'] / ms / 1e6}


def bench_conv(spec, dev, o):
    for s in spec:
        ho = (s['H'] + 2 * s['padding'] - s['dilation'] * (s['k'] - 1) - 1) // s['stride'] + 1
        x = values([s['N'], s['Cin'], s['H'], s['H']], 1, dev)
        w = values([s['Cout'], s['Cin'], s['k'], s['k']], 2, dev)
        dy = values([s['N'], s['Cout'], ho, ho], 3, dev)
        geometry = dict(stride=s['stride'], padding=s['padding'], dilation=s['dilation'])
        passes = {
            'fwd': lambda: F.conv2d(x, w, **geometry),
            'bwdData': lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, **geometry),
            'bwdWeight': lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, **geometry),
        }
        flops = 2 * s['N'] * s['Cout'] * ho * ho * s['Cin'] * s['k'] * s['k']
        for name, run in passes.items():
            ms, lo, hi = timed(run, dev, o.warmup, o.repeat)
            yield {'impl': 'pytorch', 'shape': s['name'], 'pass': name, 'ms': ms, 'min': lo, 'max': hi, 'gflops': flops / ms / 1e6}


def bench_contrastive(spec, dev, o):
    for s in spec:
        n, d = s['n'], s['d']
        z0 = values([n, d], 1.3, dev)
        z0 = z0 / z0.norm(dim=1, keepdim=True)
        i = torch.arange(n, device=dev)
        labels = torch.where(i % 7 == 3, torch.full_like(i, -1), i % 2)
        z = z0.clone().requires_grad_(True)

        def fwd():
            with torch.no_grad():
                supcon_loss(z, labels, s['tau'])

        def fwd_bwd():
            z.grad = None
            supcon_loss(z, labels, s['tau']).backward()

        with torch.no_grad():
            loss = supcon_loss(z, labels, s['tau']).item()  # so that a test can compare it with ncl's
        for name, run in (('fwd', fwd), ('fwd+bwd', fwd_bwd)):
            if dev.type == 'cuda':
                torch.cuda.reset_peak_memory_stats()
            ms, lo, hi = timed(run, dev, o.warmup, o.repeat)
            peak = torch.cuda.max_memory_allocated() / 2**20 if dev.type == 'cuda' else None
            yield {'impl': 'pytorch', 'pass': name, 'n': n, 'd': d, 'ms': ms, 'min': lo, 'max': hi, 'peakMiB': peak, 'loss': loss}


def read_raw(path, dtype, shape, dev):
    with open(path, 'rb') as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype).reshape(shape).to(dev)


def loss_values(losses, terms):
    """The loss terms as numbers, named as ncl's bench names them (con_t, con_a: per head)."""
    values = {'seg': losses['seg'].item(), 'pc': None if losses['pc'] is None else losses['pc'].item(), 'contour': None if losses['contour'] is None else losses['contour'].item(), 'total': losses['total'].item()}
    values.update({f'con_{head}': c.item() for (head, _), c in zip(terms, losses['con'])})
    return values


def bench_train(spec, dev, o):
    """ncl's training step in PyTorch (bench/train-peer.ts writes the workload): the exported
    network in training mode, ncl_losses on the same batch and patch rows, backward, AdamW. The
    losses of the first step (on the exported weights) and the total of the second come with the row."""
    for s in spec:
        model, meta = load_ncl_export(s['export'])
        model = model.train().to(dev, torch.get_default_dtype())
        config = json.loads(meta['ncl.config'])
        size = model.input_size
        x = read_raw(s['images'], torch.float32, [s['batch'], 3, size, size], dev).to(torch.get_default_dtype())
        masks = read_raw(s['masks'], torch.uint8, [s['batch'], size, size], dev)
        rows = torch.tensor(s['rows'], dtype=torch.long, device=dev)
        projection = read_raw(s['anchorProjection'], torch.float32, s['anchorProjectionShape'], dev) if 'anchorProjection' in s else None
        optimizer = torch.optim.AdamW(model.parameters(), lr=s['lr'], weight_decay=s['weightDecay'])

        def step():
            losses = ncl_losses(model(x), masks, rows, config['ncl'], anchor_projection=projection)
            optimizer.zero_grad(set_to_none=True)
            losses['total'].backward()
            if config['maxGradNorm'] > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), config['maxGradNorm'])
            optimizer.step()
            return losses

        first = loss_values(step(), contrastive_terms(config['ncl']['roleSwitch'], 0, config['ncl']['switchEvery']))
        second = step()['total'].item()
        ms, lo, hi = timed(step, dev, o.warmup, o.repeat)
        yield {'impl': 'pytorch', 'row': 'train step', 'ms': ms, 'min': lo, 'max': hi, 'imagesPerSecond': 1000 * s['batch'] / ms, 'loss': first, 'totalAfterStep': second}


WORKLOADS = {'matmul': bench_matmul, 'conv': bench_conv, 'contrastive': bench_contrastive, 'train': bench_train}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('workload', choices=sorted(WORKLOADS))
    parser.add_argument('spec', help='JSON list of the shapes to run')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--float64', action='store_true', help='compute in float64 (a reference for tests of ncl\'s float32 numbers)')
    o = parser.parse_args()
    torch.set_default_dtype(torch.float64 if o.float64 else torch.float32)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = device()
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu'
    print(json.dumps({'peer': 'pytorch', 'torch': torch.__version__, 'device': name, 'threads': torch.get_num_threads(), 'dtype': f'{torch.get_default_dtype()}, TF32 off'.removeprefix('torch.')}), flush=True)
    for row in WORKLOADS[o.workload](json.loads(o.spec), dev, o):
        print(json.dumps(row), flush=True)


if __name__ == '__main__':
    main()
