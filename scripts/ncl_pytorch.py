"""NCL's network in PyTorch, to continue from a model written by `ncl export --pytorch`.

The module tree has the DeepLabV3+ names ncl uses (backbone.*, aspp.*, decoder.*, and the NCL
projection heads branch_t.* / branch_a.*), so an export loads with load_state_dict(strict=True).
The layout follows src/ncl/method/model/*.ts and is built from the model config stored in the export:

    model, meta = load_ncl_export('model.safetensors')     # eval mode, on the CPU
    out = model(x)          # x: [B, 3, S, S], ImageNet-normalised (meta['ncl.input'])
    out['logits']           # [B, 2, S, S], channel 1 = tampered
    out['pivot']            # [B, C, S/4, S/4], what the heads read
    out['embeddings']['t']  # [B, D, S/4, S/4] per branch head present

Command line (used by ncl's tests; float32 little-endian raw files):
    python3 ncl_pytorch.py MODEL.safetensors                          # load strictly, summarise
    python3 ncl_pytorch.py MODEL.safetensors --forward IN OUT --batch B
writes OUT = the eval-mode logits, then each head's embeddings (order of meta['ncl.heads']).

Requires torch only (the file is read without the safetensors package). docs/training.md,
"Continue in PyTorch", has a DDP recipe; docs/method.md the losses.
"""
import argparse
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
        self.heads = [h[len('branch_'):] for h in heads]
        for h in heads:
            setattr(self, h, projection_head(c['pivotChannels'], c['embedDim']))

    def forward(self, x):
        features, low = self.backbone(x)
        pivot, logits = self.decoder(self.aspp(features), low)
        logits = F.interpolate(logits, size=x.shape[2:], mode='bilinear', align_corners=True)
        return {'logits': logits, 'pivot': pivot, 'embeddings': {h: getattr(self, f'branch_{h}')(pivot) for h in self.heads}}


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
