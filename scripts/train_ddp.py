"""Continue an `ncl export --pytorch` model in PyTorch with DistributedDataParallel.

One process per device, started by torchrun; nccl on GPUs, gloo on CPUs:

    torchrun --nproc_per_node 8 scripts/train_ddp.py model.pt.safetensors --out ncl-ddp.safetensors
    torchrun --nproc_per_node 2 scripts/train_ddp.py model.pt.safetensors --out ncl-ddp.safetensors --backend gloo

Every step computes ncl's losses on the sampled patches (L_seg and the NCL terms: `ncl_losses` of
ncl_pytorch.py, docs/method.md §3-§5), so every parameter, the projection heads included, gets a
gradient and DDP needs no find_unused_parameters. On GPUs batch norm is synchronised across
processes (SyncBatchNorm needs CUDA); on CPUs each process normalises its own batch and DDP copies
rank 0's running statistics to the others at every forward.

The data is yours: `dataset()` below gives random images with square forgeries for a smoke run
(--smoke N); replace it with a torch Dataset of (x [3, S, S] normalised as meta['ncl.input'] says,
mask [S, S] in {0, 1}). Rank 0 writes the weights as safetensors under the export's names, which
`ncl train --init-weights` reads. AdamW's moments start afresh: the export holds no optimiser state.
"""
import argparse
import json
import os
import sys

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncl_pytorch import load_ncl_export, ncl_losses, write_safetensors  # noqa: E402


def dataset(count, size, seed):
    """Random images, each with a square region of other statistics and its mask (a smoke test only)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(count, 3, size, size, generator=g)
    masks = torch.zeros(count, size, size)
    for i in range(count):
        side = int(torch.randint(size // 4, size // 2, (1,), generator=g))
        y0, x0 = (int(v) for v in torch.randint(0, size - side, (2,), generator=g))
        masks[i, y0:y0 + side, x0:x0 + side] = 1
        x[i, :, y0:y0 + side, x0:x0 + side] *= 0.3
    return torch.utils.data.TensorDataset(x, masks)


def sample_rows(masks, patch_size, max_patches, generator):
    """At most max_patches patch rows of the batch, uniformly without replacement (ncl draws contour
    patches first, src/ncl/method/patches.ts; any sample gives every head its gradient)."""
    patches = masks.shape[0] * (-(-masks.shape[1] // patch_size)) * (-(-masks.shape[2] // patch_size))
    return torch.randperm(patches, generator=generator)[:max_patches]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('model', help='a file written by ncl export --pytorch')
    parser.add_argument('--out', required=True, help='where rank 0 writes the trained weights (safetensors)')
    parser.add_argument('--backend', default='nccl' if torch.cuda.is_available() else 'gloo')
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--smoke', type=int, default=64, help='images of the random smoke-test set')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    dist.init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    cuda = args.backend == 'nccl'
    device = torch.device('cuda', int(os.environ.get('LOCAL_RANK', 0))) if cuda else torch.device('cpu')
    if cuda:
        torch.cuda.set_device(device)
    model, meta = load_ncl_export(args.model)
    options = json.loads(meta['ncl.config'])['ncl']
    model = model.train()
    if cuda:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model = DDP(model.to(device), device_ids=[device.index] if cuda else None)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    data = dataset(args.smoke, model.module.input_size, args.seed)
    sampler = torch.utils.data.distributed.DistributedSampler(data, num_replicas=world, rank=rank, seed=args.seed)
    loader = torch.utils.data.DataLoader(data, batch_size=args.batch_size, sampler=sampler, drop_last=True)
    rows_generator = torch.Generator().manual_seed(args.seed * 1000 + rank)
    step, epoch = 0, 0
    while step < args.steps:
        sampler.set_epoch(epoch)
        for x, masks in loader:
            rows = sample_rows(masks, options['patchSize'], options['maxPatches'], rows_generator)
            losses = ncl_losses(model(x.to(device)), masks.to(device), rows.to(device), options, step)
            opt.zero_grad()
            losses['total'].backward()
            opt.step()
            step += 1
            if rank == 0:
                print(f"step {step}: L {losses['total'].item():.4f} seg {losses['seg'].item():.4f}", flush=True)
            if step == args.steps:
                break
        epoch += 1
    # DDP averages the gradients, so the weights agree; it copies rank 0's buffers (batch-norm
    # statistics) to the others at the start of each forward, so after the last one they differ:
    # copy them once more, then check that every process holds the same state before rank 0 writes it.
    for buffer in model.module.buffers():
        dist.broadcast(buffer, 0)
    state = torch.cat([t.detach().flatten().double().cpu() for t in model.module.state_dict().values()])
    gathered = [torch.zeros_like(state) for _ in range(world)]
    dist.all_gather(gathered, state)
    if not all(torch.equal(gathered[0], g) for g in gathered):
        raise SystemExit(f'rank {rank}: the processes hold different weights after {step} steps')
    if rank == 0:
        print(f'{step} steps: weights and batch-norm statistics identical on all {world} processes', flush=True)
        write_safetensors(args.out, model.module.state_dict(), meta)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
