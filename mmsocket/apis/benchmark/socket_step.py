# Copyright (c) mmsocket contributors. All rights reserved.
"""The variants of the SOCKET step benchmark, on identical weights and data.

``bare``
    The work any training of these networks must do, with SOCKET's data
    flow but no SOCKET losses: the target-modality data preprocessor on the
    TR batch, every encoder (backbone + bottleneck) and its frozen head ->
    logits, loss = sum over sources of ``logits.mean()``, backward; the
    preprocessor on the TI batch, every encoder -> features, loss = sum
    over sources of ``features.mean()``, backward; one optimizer step and
    ``zero_grad`` (the same ``OptimWrapper(SGD)`` calls as SOCKET). Built
    with ``bn_moment_loss=None``, so no BN hooks exist.
``socket``
    ``SOCKET.train_step`` with the method's config
    (``configs/_base_/methods/socket.py``): BN-input statistics recording,
    L_IM + L_pl + L_d, first backward, TI forward, L_TI, second backward,
    one optimizer step.
``socket_nobn``
    ``SOCKET.train_step`` built with ``bn_moment_loss=None`` (no BN hooks,
    no L_d): isolates the cost of the BN-statistics term.
``socket_1bwd``
    SOCKET's losses summed and backpropagated in ONE backward after both
    forwards, so the TR and TI graphs are alive at once (the official
    code's memory behaviour), to show what the two-backward step saves.
``socket_statspass``
    ``SOCKET.train_step`` with the BN-input moments computed by a second
    pass of BN's statistics kernel over every BN input (the capture before
    the recorder read back the moments BN saved for its backward).
``socket_varmean``
    ``SOCKET.train_step`` with the BN-input moments captured the way the
    library did before ``bn_stats.channel_moments`` (BN's own statistics
    kernel + one fused backward pass) replaced it:
    ``var, mean = torch.var_mean(x, dims != 1, correction=0)``.

The benchmark patches ``BNStatsRecorder`` for those two in its own
subprocess only (and only for the recorders of that variant's model), so
the table shows the before/after of each optimisation side by side.

Banks (TI feature bank, pseudo-label features/centroids) are random
buffers: the periodic passes that fill them are not part of an iteration.
Source weights are random (same seed everywhere, checked by a checksum).
"""
import contextlib
import functools
import os.path as osp
import time
from typing import Optional

from ..config_settings import resolve_config
from ..experiment import repo_root
from .bare_steps import bare_multi_source_step

SCALES = {
    'cpu':
    dict(
        model_cfg='configs/_base_/models/source_resnet18_narrow.py',
        num_classes=12,  # the synthetic benchmark's
        net='ResNet-18 narrow',
        size=64,
        batch=32,
        iters=15,
        warmup=3),
    'paper':
    dict(
        model_cfg='configs/_base_/models/source_resnet50.py',
        num_classes=17,  # SUN RGB-D's
        net='ResNet-50',
        size=224,
        batch=32,
        iters=5,
        warmup=1),
    # Checks the tool (tools/analysis/gpu_check.sh TINY=1, the tests):
    # its figures mean nothing.
    'tiny':
    dict(
        model_cfg='configs/_base_/models/source_resnet18_narrow.py',
        num_classes=4,
        net='ResNet-18 narrow',
        size=32,
        batch=4,
        iters=2,
        warmup=1),
}
AMP_DTYPES = ('fp16', 'bf16')
METHOD_CFG = 'configs/_base_/methods/socket.py'
VARIANTS = ('bare', 'socket', 'socket_statspass', 'socket_varmean',
            'socket_nobn', 'socket_1bwd')
PHASES = ('fwd_tr', 'bwd_1', 'fwd_ti', 'bwd_2', 'step', 'other')
GIB = 1024**3


@contextlib.contextmanager
def patched_bn_capture(capture):
    """While active, new BNStatsRecorders capture each BN input's moments
    with ``capture(x, output) -> (mean, var)`` instead of the library's
    :func:`bn_stats.channel_moments` on the moments BN saved; same checks and
    bookkeeping as the library's hook. The hook is a closure made at
    construction, so recorders built before or after (the ``socket`` variant
    in the same timing process) keep the library's capture."""
    from mmsocket.models.utils import bn_stats

    def _make_hook(self, index):

        def hook(layer, inputs, output):
            if not self._recording or layer is not self._layers[index]:
                return
            if self._slots[index] is not None:
                raise RuntimeError(f'BN layer {self._layer_names[index]} '
                                   'fired twice within one record()')
            x = inputs[0]
            if x.dim() < 2:
                raise RuntimeError(f'BN layer {self._layer_names[index]}: '
                                   f'input of shape {tuple(x.shape)}')
            self._slots[index] = capture(x, output)

        return hook

    original = bn_stats.BNStatsRecorder._make_hook
    bn_stats.BNStatsRecorder._make_hook = _make_hook
    try:
        yield
    finally:
        bn_stats.BNStatsRecorder._make_hook = original


def varmean_capture(x, output):
    """The capture before ``channel_moments``: ``torch.var_mean``."""
    import torch
    var, mean = torch.var_mean(
        x, dim=[0] + list(range(2, x.dim())), correction=0)
    return mean, var


def statspass_capture(x, output):
    """The capture before the moments BN saved were read back: BN's
    statistics kernel run a second time on every BN input."""
    from mmsocket.models.utils.bn_stats import channel_moments
    return channel_moments(x)


CAPTURES = dict(
    socket_varmean=varmean_capture, socket_statspass=statspass_capture)


def optim_wrapper_class(device: str = 'cpu', amp: Optional[str] = None):
    """The optimizer wrapper of a variant: mmengine's ``OptimWrapper``, its
    ``AmpOptimWrapper`` on a GPU (``amp`` = 'fp16' or 'bf16'), or, for
    bf16 on the CPU (where ``AmpOptimWrapper`` refuses to run), an
    ``OptimWrapper`` whose context is mmengine's CPU autocast."""
    import torch
    from mmengine.optim import AmpOptimWrapper, OptimWrapper
    if amp is None:
        return OptimWrapper
    if amp not in AMP_DTYPES:
        raise ValueError(f'amp must be one of {AMP_DTYPES}, got {amp!r}')
    dtype = dict(fp16=torch.float16, bf16=torch.bfloat16)[amp]
    if device != 'cpu':
        return functools.partial(AmpOptimWrapper, dtype=dtype)
    if amp == 'fp16':
        raise ValueError('--amp fp16 needs a GPU (CPU autocast is bf16 '
                         'only): use --amp bf16 or --device cuda')

    class CpuAutocastOptimWrapper(OptimWrapper):

        @contextlib.contextmanager
        def optim_context(self, model):
            from mmengine.runner.amp import autocast
            with super().optim_context(model), autocast(
                    device_type='cpu', dtype=dtype):
                yield

    return CpuAutocastOptimWrapper


def synchronize(device: str) -> None:
    """Wait for the device's queued work (timing on a GPU)."""
    if device != 'cpu':
        import torch
        torch.cuda.synchronize()


def make_data(spec: dict, n_batches: int):
    """The TR/TI batches (uint8 CHW images), the same in every process."""
    import torch
    from mmpretrain.structures import DataSample
    scale = SCALES[spec['scale']]
    batch, size = scale['batch'], scale['size']
    gen = torch.Generator().manual_seed(spec['seed'] + 1)

    def stream(b: int) -> dict:
        return dict(
            inputs=[
                torch.randint(
                    0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
                for _ in range(batch)
            ],
            data_samples=[
                DataSample(metainfo=dict(sample_idx=b * batch + i))
                for i in range(batch)
            ])

    batches = [dict(target=stream(b), ti=stream(b)) for b in range(n_batches)]
    checksum = int(
        sum(
            int(x.sum()) for d in batches for s in d.values()
            for x in s['inputs']))
    return batches, checksum


class StepBench:
    """One variant: its model, optimizer and ``step(data)``, instrumented
    for the per-phase breakdown."""

    def __init__(self, spec: dict, variant: str, bank_size: int) -> None:
        import torch
        from mmengine.config import Config

        from mmsocket.models.utils import ClusterPseudoLabeler
        from mmsocket.registry import MODELS
        scale = SCALES[spec['scale']]
        S = spec['sources']
        self.variant = variant

        src = Config.fromfile(osp.join(repo_root(), scale['model_cfg']))
        src.num_classes = scale['num_classes']  # the model base's setting
        src = resolve_config(src).source_model.to_dict()
        src['backbone'].pop('init_cfg', None)  # no download: random init
        cfg = Config.fromfile(osp.join(repo_root(),
                                       METHOD_CFG)).model.to_dict()
        cfg['sources'] = [dict(model=src, checkpoint=None) for _ in range(S)]
        if variant in ('bare', 'socket_nobn'):
            cfg['bn_moment_loss'] = None
        torch.manual_seed(spec['seed'])
        ctx = (
            patched_bn_capture(CAPTURES[variant])
            if variant in CAPTURES else contextlib.nullcontext())
        with ctx:
            model = MODELS.build(cfg)
        model.train()
        self.model = model
        self.weight_sum = float(
            sum(p.double().sum() for p in model.encoders.parameters()))
        self.num_bn_layers = sum(len(r) for r in model.bn_recorders)

        gen = torch.Generator().manual_seed(spec['seed'] + 2)
        K = model.num_classes
        model.ti_bank = torch.randn(S, bank_size, 256, generator=gen)
        model.pl_features = ClusterPseudoLabeler.augment(
            torch.randn(S, bank_size, 256, generator=gen))
        model.pl_centroids = torch.randn(S, K, 257, generator=gen)
        model.pl_labelset = torch.ones(S, K, dtype=torch.bool)

        self.device = device = spec.get('device', 'cpu')
        model.to(device)
        if spec.get('channels_last'):
            # Weights in NHWC: the convolutions then return NHWC too.
            model.to(memory_format=torch.channels_last)
        marks = self.marks = []  # (kind, seconds) of the current iteration
        sync = functools.partial(synchronize, device)
        base = optim_wrapper_class(device, spec.get('amp'))

        def timed(kind, fn, *args, **kwargs):
            sync()
            t = time.perf_counter()
            fn(*args, **kwargs)
            sync()
            marks.append((kind, time.perf_counter() - t))

        class TimedOptimWrapper(base):

            def backward(self, loss, **kwargs):
                timed('bwd', super().backward, loss, **kwargs)

            def step(self, **kwargs):
                timed('step', super().step, **kwargs)

            def zero_grad(self, **kwargs):
                timed('step', super().zero_grad, **kwargs)

        params = [p for p in model.parameters() if p.requires_grad]
        self.optim_wrapper = TimedOptimWrapper(
            torch.optim.SGD(
                params,
                lr=1e-3,
                momentum=0.9,
                weight_decay=1e-3,
                nesterov=True))
        fwd_start = []

        def fwd_begin(*_):
            sync()
            fwd_start.append(time.perf_counter())

        def fwd_end(*_):
            sync()
            marks.append(('fwd', time.perf_counter() - fwd_start.pop()))

        model.encoders.register_forward_pre_hook(fwd_begin)
        model.encoders.register_forward_hook(fwd_end)

    def step(self, data) -> None:
        if self.variant == 'bare':
            self._bare_step(data)
        elif self.variant == 'socket_1bwd':
            self._one_backward_step(data)
        else:
            self.model.train_step(data, self.optim_wrapper)

    def _bare_step(self, data) -> None:
        bare_multi_source_step(self.model, data, self.optim_wrapper)

    def _one_backward_step(self, data) -> None:
        # SOCKET.train_step's losses, summed: one backward after both
        # forwards, the TR graph (with its BN statistics) alive during TI.
        from mmsocket.models.utils import mix
        model, ow = self.model, self.optim_wrapper
        target = model.data_preprocessor(data['target'], True)
        indices = model._indices(target['data_samples'])
        with ow.optim_context(model):
            with model._record_bn():
                feats = model.encoders(target['inputs'])
            logits = model._logits(feats)
            zeta = model.mixer()
            mixed = mix(logits, zeta)
            losses = dict(loss_im=model.info_max_loss(mixed))
            labels = model.batch_pseudo_labels(indices, zeta)
            losses['loss_pl'] = model.pseudo_label_loss(mixed, labels)
            losses['loss_bn'] = model.bn_moment_loss(
                [rec.stats for rec in model.bn_recorders],
                model._source_bn_stats(), zeta)
            ti = model.data_preprocessor(data['ti'], True)
            ti_idx = model._indices(ti['data_samples'])
            ti_feats = model.encoders(ti['inputs'])
            bank = [b.to(ti_feats[0]) for b in model.ti_bank[:, ti_idx]]
            losses['loss_ti'] = model.ti_feature_loss(ti_feats, bank,
                                                      model.mixer())
            loss, _ = model.parse_losses(losses)
        ow.update_params(loss)

    def timed_step(self, data):
        """Run one iteration; returns (wall s, process CPU s, phases)."""
        self.marks.clear()
        synchronize(self.device)
        c0 = time.process_time()
        t0 = time.perf_counter()
        self.step(data)
        synchronize(self.device)
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        fwd = [s for k, s in self.marks if k == 'fwd']
        bwd = [s for k, s in self.marks if k == 'bwd']
        ph = dict(
            fwd_tr=fwd[0],
            fwd_ti=fwd[1] if len(fwd) > 1 else 0.0,
            bwd_1=bwd[0],
            bwd_2=bwd[1] if len(bwd) > 1 else 0.0,
            step=sum(s for k, s in self.marks if k == 'step'))
        ph['other'] = dt - sum(ph.values())
        return dt, dc, ph
