"""NCL's network in PyTorch, to continue from a model written by `ncl export --pytorch`.

The module tree has the DeepLabV3+ names ncl uses (backbone.*, aspp.*, decoder.*, and the NCL
projection heads branch_t.* / branch_a.*), so an export loads with load_state_dict(strict=True).
The layout follows src/ncl/method/model/*.ts and is built from the model config stored in the export:

    model, meta = load_ncl_export('model.safetensors')     # eval mode, on the CPU
    out = model(x)          # x: [B, 3, S, S], ImageNet-normalised (meta['ncl.input'])
    out['logits']           # [B, 2, S, S], channel 1 = tampered
    out['pivot']            # [B, C, S/4, S/4], what the heads read
    out['embeddings']['t']  # [B, D, S/4, S/4] per branch head present

The training losses, as ncl's step computes them (docs/method.md §3-§5), for the sampled patch rows:

    losses = ncl_losses(model.train()(x), masks, rows, json.loads(meta['ncl.config'])['ncl'])
    losses['total'].backward()   # also 'seg', 'con' (one per contrastive term), 'pc'

Command line (used by ncl's tests; float32 little-endian raw files):
    python3 ncl_pytorch.py MODEL.safetensors                          # load strictly, summarise
    python3 ncl_pytorch.py MODEL.safetensors --forward IN OUT --batch B
writes OUT = the eval-mode logits, then each head's embeddings (order of meta['ncl.heads']).

Requires torch only (the file is read without the safetensors package). docs/training.md,
"Continue in PyTorch", describes scripts/train_ddp.py (DistributedDataParallel with these losses,
written back with write_safetensors); docs/method.md the losses.
"""
import argparse
import hashlib
import json
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

EXPORT_FORMAT = 'ncl-pytorch-state-dict/1'
_DTYPES = {
    'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16,
    'I64': torch.int64, 'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8,
    'BOOL': torch.bool,
}


def read_safetensors(path):
    """(state dict of CPU tensors, metadata) of a safetensors file."""
    with open(path, 'rb') as f:
        blob = f.read()
    (n,) = struct.unpack('<Q', blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop('__metadata__', {})
    data = bytearray(blob[8 + n:])
    state = {}
    for name, entry in header.items():
        begin, end = entry['data_offsets']
        dtype = _DTYPES[entry['dtype']]
        count = (end - begin) // torch.empty((), dtype=dtype).element_size()
        values = torch.frombuffer(data, dtype=dtype, count=count, offset=begin) if count else torch.empty(0, dtype=dtype)
        state[name] = values.reshape(entry['shape']).clone()
    return state, meta


_NAMES = {dtype: name for name, dtype in _DTYPES.items()}


def write_safetensors(path, state, metadata):
    """Writes a state dict of tensors (dtypes kept) and string metadata as safetensors, with ncl's
    checksum of the data section (metadata 'ncl.sha256', checked when ncl loads the file)."""
    header, chunks, offset = {}, [], 0
    for name, tensor in state.items():
        data = tensor.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {'dtype': _NAMES[tensor.dtype], 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    body = b''.join(chunks)
    header['__metadata__'] = {**{k: str(v) for k, v in metadata.items()}, 'ncl.sha256': hashlib.sha256(body).hexdigest()}
    encoded = json.dumps(header).encode()
    encoded += b' ' * (-len(encoded) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)) + encoded + body)


def _bn(channels):
    return nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)


def _conv(cin, cout, k, stride=1, dilation=1, bias=False):
    """ncl's Conv2d: "same" padding dilation·(k − 1)/2 (also for strided 3×3 convs)."""
    return nn.Conv2d(cin, cout, k, stride=stride, padding=dilation * (k - 1) // 2, dilation=dilation, bias=bias)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride, dilation):
        super().__init__()
        self.conv1 = _conv(cin, planes, 3, stride, dilation)
        self.bn1 = _bn(planes)
        self.conv2 = _conv(planes, planes, 3, 1, dilation)
        self.bn2 = _bn(planes)
        self.downsample = _shortcut(cin, planes, stride)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride, dilation):
        super().__init__()
        out = planes * 4
        self.conv1 = _conv(cin, planes, 1)
        self.bn1 = _bn(planes)
        self.conv2 = _conv(planes, planes, 3, stride, dilation)
        self.bn2 = _bn(planes)
        self.conv3 = _conv(planes, out, 1)
        self.bn3 = _bn(out)
        self.downsample = _shortcut(cin, out, stride)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


def _shortcut(cin, cout, stride):
    if stride == 1 and cin == cout:
        return None
    return nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), _bn(cout))


class ResNetEncoder(nn.Module):
    """Output stride 16: strides 1,2,2,1, layer4 dilated ×2; 8: strides 1,2,1,1, dilations ×2, ×4.
    layer4's block i has dilation multiGrid[i] × the layer's dilation."""

    def __init__(self, c):
        super().__init__()
        block = Bottleneck if c['block'] == 'bottleneck' else BasicBlock
        strides, dilations = ([1, 2, 2, 1], [1, 1, 1, 2]) if c['outputStride'] == 16 else ([1, 2, 1, 1], [1, 1, 2, 4])
        self.conv1 = nn.Conv2d(3, c['stemChannels'], 7, stride=2, padding=3, bias=False)
        self.bn1 = _bn(c['stemChannels'])
        cin = c['stemChannels']
        per_block = [[dilations[i]] * n for i, n in enumerate(c['layers'])] + [[m * dilations[3] for m in c['multiGrid']]]
        for i, dils in enumerate(per_block):
            blocks = []
            for b, d in enumerate(dils):
                blocks.append(block(cin, c['planes'][i], strides[i] if b == 0 else 1, d))
                cin = c['planes'][i] * block.expansion
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
        self.out_channels = cin
        self.low_level_channels = c['planes'][0] * block.expansion

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        low = self.layer1(y)
        return self.layer4(self.layer3(self.layer2(low))), low


class AtrousBranch(nn.Module):
    def __init__(self, cin, cout, rate):
        super().__init__()
        self.atrous_conv = _conv(cin, cout, 1 if rate == 1 else 3, 1, rate)
        self.bn = _bn(cout)

    def forward(self, x):
        return F.relu(self.bn(self.atrous_conv(x)))


class ASPP(nn.Module):
    def __init__(self, cin, ch, rates, dropout):
        super().__init__()
        for i, rate in enumerate([1, *rates]):
            setattr(self, f'aspp{i + 1}', AtrousBranch(cin, ch, rate))
        self.global_avg_pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, ch, 1, bias=False), _bn(ch), nn.ReLU())
        self.conv1 = nn.Conv2d(5 * ch, ch, 1, bias=False)
        self.bn1 = _bn(ch)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        pooled = self.global_avg_pool(x).expand(-1, -1, x.shape[2], x.shape[3])
        y = torch.cat([self.aspp1(x), self.aspp2(x), self.aspp3(x), self.aspp4(x), pooled], 1)
        return self.dropout(F.relu(self.bn1(self.conv1(y))))


class Decoder(nn.Module):
    """last_conv = [conv3×3, BN, ReLU, Dropout, conv3×3, BN, ReLU, Dropout, conv1×1 → 2]; the
    output of the first 8 steps is NCL's pivot, step 8 the segmentation head."""

    def __init__(self, low_in, low_out, aspp_ch, pivot_ch, dropout):
        super().__init__()
        self.conv1 = nn.Conv2d(low_in, low_out, 1, bias=False)
        self.bn1 = _bn(low_out)
        self.last_conv = nn.Sequential(
            _conv(aspp_ch + low_out, pivot_ch, 3), _bn(pivot_ch), nn.ReLU(), nn.Dropout(dropout[0]),
            _conv(pivot_ch, pivot_ch, 3), _bn(pivot_ch), nn.ReLU(), nn.Dropout(dropout[1]),
            nn.Conv2d(pivot_ch, 2, 1, bias=True))

    def forward(self, aspp, low):
        skip = F.relu(self.bn1(self.conv1(low)))
        up = F.interpolate(aspp, size=skip.shape[2:], mode='bilinear', align_corners=True)
        pivot = self.last_conv[:8](torch.cat([up, skip], 1))
        return pivot, self.last_conv[8](pivot)


def projection_head(channels, embed_dim):
    return nn.Sequential(nn.Conv2d(channels, channels, 1, bias=False), _bn(channels), nn.ReLU(), nn.Conv2d(channels, embed_dim, 1, bias=True))


class NclDeepLab(nn.Module):
    def __init__(self, config, heads=('branch_t', 'branch_a')):
        super().__init__()
        c = config
        self.input_size = c['inputSize']
        self.backbone = ResNetEncoder(c)
        rates = [6, 12, 18] if c['outputStride'] == 16 else [12, 24, 36]
        self.aspp = ASPP(self.backbone.out_channels, c['asppChannels'], rates, c['dropout'][0])
        self.decoder = Decoder(self.backbone.low_level_channels, c['lowLevelChannels'], c['asppChannels'], c['pivotChannels'], c['dropout'][1:])
        self.heads = [h[len('branch_'):] for h in heads if h.startswith('branch_')]
        for h in self.heads:
            setattr(self, f'branch_{h}', projection_head(c['pivotChannels'], c['embedDim']))
        self.contour_head = nn.Conv2d(c['pivotChannels'], 1, 1, bias=True) if 'contour_head' in heads else None

    def forward(self, x):
        features, low = self.backbone(x)
        pivot, logits = self.decoder(self.aspp(features), low)
        logits = F.interpolate(logits, size=x.shape[2:], mode='bilinear', align_corners=True)
        out = {'logits': logits, 'pivot': pivot, 'embeddings': {h: getattr(self, f'branch_{h}')(pivot) for h in self.heads}}
        if self.contour_head is not None:
            out['contour'] = self.contour_head(pivot)
        return out


# The NCL losses (docs/method.md §3-§5), unfused, as ncl's training step computes them. The patch
# sample (which patches enter the contrastive terms) is an input: ncl draws it (src/ncl/method/patches.ts).
PATCH_AUTHENTIC, PATCH_TAMPERED, PATCH_CONTOUR = 0, 1, 2


def patch_means(x, cell):
    """Rows [B·rows·cols, C] of the means of x [B, C, H, W] over cell×cell cells, image by image,
    then cells row-major; a partial cell at the right or bottom averages over its part inside."""
    h, w = x.shape[2:]
    pad = (0, -w % cell, 0, -h % cell)
    sums = F.avg_pool2d(F.pad(x, pad), cell, divisor_override=1)
    counts = F.avg_pool2d(F.pad(torch.ones_like(x[:1, :1]), pad), cell, divisor_override=1)
    return (sums / counts).permute(0, 2, 3, 1).reshape(-1, x.shape[1])


def patch_embeddings(embeddings, patch_size, image_size):
    """(3.1): unit patch embeddings [patches, D] of a branch map [B, D, h, w]."""
    q = patch_means(embeddings, patch_size * embeddings.shape[2] // image_size)
    return q / torch.sqrt((q * q).sum(1, keepdim=True) + 1e-12)


def patch_kinds(masks, patch_size, epsilon):
    """(3.2): the kind of every patch of masks [B, H, W] (0/1): authentic if its tampered ratio
    r ≤ ε, tampered if r ≥ 1 − ε, contour otherwise."""
    r = patch_means(masks[:, None].float(), patch_size)[:, 0]
    return torch.where(r <= epsilon, PATCH_AUTHENTIC, torch.where(r >= 1 - epsilon, PATCH_TAMPERED, PATCH_CONTOUR))


def supcon_loss(z, labels, tau, anchor_weights=None):
    """(5.2)-(5.5): Σ a_i ℓ_i / Σ a_i over the kept anchors (label ≥ 0, a positive exists), with
    ℓ_i = LSE_i − mean_{p ∈ P_i} s_ip; equal weights when anchor_weights is None; 0 with no anchor.
    Masked pairs take a large finite negative, not −∞, so no case needs a branch on the host."""
    n = z.shape[0]
    valid = labels >= 0
    s = z @ z.t() / tau
    others = valid[None, :] & ~torch.eye(n, dtype=torch.bool, device=z.device)
    positives = others & (labels[None, :] == labels[:, None])
    count = positives.sum(1)
    kept = valid & (count > 0)
    lse = torch.logsumexp(s.masked_fill(~others, -1e30), dim=1)
    mean_pos = (s * positives).sum(1) / count.clamp(min=1)
    a = kept.to(s.dtype) if anchor_weights is None else anchor_weights * kept
    loss = torch.where(kept, lse - mean_pos, torch.zeros_like(lse))
    return (a * loss).sum() / a.sum().clamp(min=1e-30)


def contrastive_terms(mode, step, switch_every=1):
    """(head, class of contour patches) of each contrastive term at a step (docs/method.md §4)."""
    exchanged = step // switch_every % 2 == 1
    return {
        'dual': [('t', PATCH_TAMPERED), ('a', PATCH_AUTHENTIC)],
        'switch': [('t', PATCH_AUTHENTIC if exchanged else PATCH_TAMPERED), ('a', PATCH_TAMPERED if exchanged else PATCH_AUTHENTIC)],
        'alternate': [('t', PATCH_TAMPERED if step % 2 == 0 else PATCH_AUTHENTIC)],
        'drop': [('t', -1)],
        'off': [],
    }[mode]


def ncl_losses(out, masks, rows, options, step=0, anchor_projection=None):
    """The loss terms of one training step: {'seg', 'con' (one per term), 'pc' (or None), 'total'}.
    out: the model's output; masks [B, S, S] (0/1); rows: the sampled patch rows (LongTensor);
    options: ncl.config's 'ncl' object (roleSwitch, tau, lambdaCon, lambdaPc, ...);
    anchor_projection: R [C, D] of (5.7b), needed when options['consistencyTarget'] is 'pivot'."""
    o = options
    weight = torch.tensor([1.0, o['segTamperedWeight']], dtype=out['logits'].dtype, device=masks.device)
    seg = F.cross_entropy(out['logits'], masks.long(), weight=weight)  # (5.1)
    contour = contour_loss(out['contour'], masks) if 'contour' in out else None  # (5.9b)
    lambda_contour = o.get('lambdaContour', 0)
    terms = contrastive_terms(o['roleSwitch'], step, o['switchEvery'])
    if not terms:
        total = seg if contour is None else seg + lambda_contour * contour
        return {'seg': seg, 'con': [], 'pc': None, 'contour': contour, 'total': total}
    kinds = patch_kinds(masks, o['patchSize'], o['epsilon'])[rows]
    counts = torch.bincount(kinds, minlength=3).to(seg.dtype)
    anchor_weights = 1 / counts[kinds]  # (3.3)
    z = {h: patch_embeddings(out['embeddings'][h], o['patchSize'], masks.shape[1])[rows] for h, _ in terms}
    con = [supcon_loss(z[h], torch.where(kinds == PATCH_CONTOUR, contour, kinds), o['tau'], anchor_weights) for h, contour in terms]
    total = seg + o['lambdaCon'] * sum(con) / len(con)  # (5.8)
    pc = None
    if o['roleSwitch'] in ('dual', 'switch'):  # (5.7)
        held = (kinds != PATCH_CONTOUR if o['pivotConsistency'] == 'non-contour' else torch.ones_like(kinds, dtype=torch.bool)).to(seg.dtype)
        if o.get('consistencyTarget', 'other-head') == 'pivot':  # (5.7b): each head against q, no gradient
            f = patch_embeddings(out['pivot'].detach(), o['patchSize'], masks.shape[1])[rows]
            q = F.normalize(f @ anchor_projection.to(f.dtype), dim=1, eps=1e-12)
            pc = sum((held * (1 - (z[h] * q).sum(1))).sum() for h in ('t', 'a')) / (2 * held.sum().clamp(min=1))
        else:
            pc = (held * (1 - (z['t'] * z['a']).sum(1))).sum() / held.sum().clamp(min=1)
        total = total + o['lambdaPc'] * pc
    if contour is not None:
        total = total + lambda_contour * contour
    return {'seg': seg, 'con': con, 'pc': pc, 'contour': contour, 'total': total}


CONTOUR_MARGIN = 2


def contour_loss(logits, masks):
    """(5.9b): balanced BCE of contour logits [B, 1, S/4, S/4]: a cell is contour when its 4×4 pixels,
    widened by CONTOUR_MARGIN on each side (clipped), hold tampered and authentic pixels both."""
    m = masks[:, None].to(logits.dtype)
    window, pad = 4 + 2 * CONTOUR_MARGIN, CONTOUR_MARGIN
    # max-pooling over the widened windows: any tampered pixel, and any authentic pixel (-inf padding ignores the border)
    any_tampered = F.max_pool2d(F.pad(m, (pad,) * 4, value=-1.0), window, stride=4) > 0
    any_authentic = F.max_pool2d(F.pad(1 - m, (pad,) * 4, value=-1.0), window, stride=4) > 0
    target = (any_tampered & any_authentic).to(logits.dtype)
    positives = target.sum()
    pos_weight = (target.numel() - positives) / positives if positives > 0 else torch.ones((), dtype=logits.dtype)
    return F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)


def load_ncl_export(path):
    """The network of an `ncl export --pytorch` file, weights loaded strictly, in eval mode."""
    state, meta = read_safetensors(path)
    if meta.get('ncl.format') != EXPORT_FORMAT:
        raise ValueError(f"{path} is not an ncl export (format {meta.get('ncl.format')!r}, expected {EXPORT_FORMAT!r})")
    model = NclDeepLab(json.loads(meta['ncl.model']), json.loads(meta['ncl.heads']))
    model.load_state_dict(state, strict=True)
    return model.eval(), meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('model', help='a file written by ncl export --pytorch')
    parser.add_argument('--forward', nargs=2, metavar=('IN', 'OUT'), help='raw float32 input [B, 3, S, S] in, outputs out')
    parser.add_argument('--batch', type=int, default=1)
    args = parser.parse_args()
    model, meta = load_ncl_export(args.model)
    if not args.forward:
        params = sum(p.numel() for p in model.parameters())
        print(f"{args.model}: {meta['ncl.preset']} network, {params:,} parameters, heads {json.loads(meta['ncl.heads'])}, loaded strictly")
        return
    size = model.input_size
    with open(args.forward[0], 'rb') as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(args.batch, 3, size, size)
    with torch.no_grad():
        out = model(x)
    parts = [out['logits']] + [out['embeddings'][h] for h in model.heads]
    with open(args.forward[1], 'wb') as f:
        for t in parts:
            f.write(t.contiguous().numpy().astype('<f4').tobytes())


if __name__ == '__main__':
    main()
