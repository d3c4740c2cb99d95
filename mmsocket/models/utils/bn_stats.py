# Copyright (c) mmsocket contributors. All rights reserved.
"""Capture per-channel moments of the inputs of normalisation layers."""
from contextlib import contextmanager
from typing import Iterator, List, Optional, Tuple, Type, Union

import torch
import torch.nn as nn
from torch import Tensor

LayerTypes = Union[Type[nn.Module], Tuple[Type[nn.Module], ...]]


class _ChannelMoments(torch.autograd.Function):
    """Per-channel mean and biased variance of an (N, C, *) tensor.

    ``torch.var_mean`` over (0, 2, 3) of an NCHW tensor is 3-4x slower on
    CPU than BatchNorm's own statistics kernel, and its backward takes
    several passes; on ResNet-50 that made L_d cost 17 % of a SOCKET step
    (docs/benchmarks.md). This uses the BN kernel forward (or, given
    ``mean`` and ``var``, the moments a BN layer already computed, so no
    pass at all) and a single fused pass backward:
    d/dx = g_mean / n + g_var * 2 (x - mean) / n.
    """

    @staticmethod
    def forward(ctx, x: Tensor, mean: Optional[Tensor], var: Optional[Tensor]):
        if mean is None or var is None:
            mean, var = torch.batch_norm_update_stats(x, None, None, 0.0)
        else:  # outputs must be tensors of their own
            mean, var = mean.clone(), var.clone()
        ctx.save_for_backward(x, mean)
        return mean, var

    @staticmethod
    def backward(ctx, g_mean: Optional[Tensor], g_var: Optional[Tensor]):
        x, mean = ctx.saved_tensors
        n = x.numel() // x.shape[1]
        shape = [1, -1] + [1] * (x.dim() - 2)
        if g_var is None:
            return (g_mean / n).view(shape).expand_as(x).clone(), None, None
        scale = g_var * (2.0 / n)
        shift = -scale * mean
        if g_mean is not None:
            shift = shift + g_mean / n
        return torch.addcmul(shift.view(shape), x, scale.view(shape)), \
            None, None


def moments_saved_by_batch_norm(
        x: Tensor, output: Tensor) -> Optional[Tuple[Tensor, Tensor]]:
    """The batch moments a BN layer computed for ``x`` in its forward, or
    None.

    In training mode with autograd on, ``F.batch_norm`` saves the batch
    mean and ``1 / sqrt(var + eps)`` of its input for its backward (the
    ``NativeBatchNormBackward0`` node of ``output``). Reading them back
    spares L_d a pass over every BN input. None (the caller computes the
    moments itself) when the layer ran in eval mode, without autograd, as
    a SyncBatchNorm or global-batch BN, or when the node's input is not
    ``x``. The variance comes back as ``invstd ** -2 - eps``: within float
    rounding of the direct value (absolute error ~ eps * 1e-7, clamped at
    0).
    """
    node = getattr(output, 'grad_fn', None)
    if node is None or type(node).__name__ != 'NativeBatchNormBackward0':
        return None
    try:
        if not node._saved_training:
            return None
        saved_input = node._saved_input
        mean, invstd = node._saved_result1, node._saved_result2
        eps = node._saved_eps
    except (AttributeError, RuntimeError):  # other torch, freed buffers
        return None
    if (saved_input.data_ptr() != x.data_ptr() or saved_input.shape != x.shape
            or mean.dim() != 1 or mean.numel() != x.shape[1]
            or invstd.shape != mean.shape):
        return None
    var = invstd.detach().pow(-2).sub_(eps).clamp_(min=0)
    return mean.detach(), var


def local_channel_moments(
        x: Tensor,
        saved: Optional[Tuple[Tensor,
                              Tensor]] = None) -> Tuple[Tensor, Tensor]:
    """Mean and biased variance of ``x`` per channel (dim 1), with autograd.

    Equal to ``torch.var_mean(x, dims, correction=0)`` (reversed) up to
    float rounding, faster on CPU; an empty batch falls back to it.
    ``saved``: the moments already computed (detached), e.g. by
    :func:`moments_saved_by_batch_norm`; the result then carries the same
    gradient without a forward pass.
    """
    if x.numel() == 0:
        dims = [0] + list(range(2, x.dim()))
        var, mean = torch.var_mean(x, dim=dims, correction=0)
        return mean, var
    mean, var = saved if saved is not None else (None, None)
    return _ChannelMoments.apply(x, mean, var)


class NoBatchNormError(ValueError):
    """A network has none of the layers whose statistics are to be matched
    (e.g. a ConvNeXt or ViT backbone, normalised by LayerNorm)."""


def _norm_layer_summary(module: nn.Module) -> str:
    """``'LayerNorm2d x 12, LayerNorm x 1'``, or ``'none'``."""
    counts = {}
    for m in module.modules():
        name = type(m).__name__
        if 'Norm' in name:
            counts[name] = counts.get(name, 0) + 1
    return ', '.join(f'{k} x {v}' for k, v in counts.items()) or 'none'


def channel_moments(
        x: Tensor,
        saved: Optional[Tuple[Tensor,
                              Tensor]] = None) -> Tuple[Tensor, Tensor]:
    """:func:`local_channel_moments`, over the global batch of all ranks
    inside :func:`~mmsocket.models.utils.global_batch.global_batch`."""
    from .global_batch import global_batch_active, global_moments
    mean, var = local_channel_moments(x, saved)
    if global_batch_active():
        mean, var, _ = global_moments(mean, var, x.numel() // x.shape[1])
    return mean, var


class BNStatsRecorder:
    """Record the batch mean and variance of the *input* of every BN layer.

    On construction a forward hook is registered on every submodule of
    ``module`` that is an instance of ``layer_types``, in
    ``module.named_modules()`` order. Outside :meth:`record` the hooks return
    at once. Inside it, each hook computes, for the layer's input ``x``
    (pre-normalisation, shape ``(N, C, *)``), the per-channel mean and the
    biased variance (``correction=0``) over every dimension except the
    channel dimension 1, with :func:`channel_moments` (in training mode the
    moments the layer itself computed, see
    :func:`moments_saved_by_batch_norm`, otherwise BN's statistics kernel;
    a one-pass backward either way). The autograd graph is kept, so a loss
    on the statistics backpropagates into whatever produced ``x``. Only the
    two ``(C,)`` results are stored; the input is not (it is saved for
    backward exactly as the BN layer itself saves it).

    This is the capture used by SOCKET's :math:`L_d` (SOCKET official code:
    a forward hook on each ``BatchNorm2d`` of the backbone taking
    ``input[0].mean([0, 2, 3])`` and ``input[0].var([0, 2, 3],
    unbiased=False)``; the paper's "output of the BN layer" is wrong, see
    docs/methods/socket.md#l_d-bn-moment-matching) and by
    DeepInversion-style BN-statistics losses such as
    the data-free depth distillation's :math:`\\ell_{BN}` (teacher in eval
    mode, generated batch). It works whatever mode the layers are in.

    The hooks live on the layers themselves, so they keep firing when the
    network is later wrapped by ``DistributedDataParallel`` (which calls the
    wrapped module's ``forward``). Layers that are *replaced* after the
    recorder was built (e.g. by ``nn.SyncBatchNorm.convert_sync_batchnorm``)
    lose their hooks: build the recorder after such conversions (and pass
    ``layer_types=(nn.SyncBatchNorm, ...)``). A deep copy of the network
    carries inert copies of the hooks: they ignore layers that are not the
    recorder's own, so build a new recorder for the copy.

    Args:
        module (nn.Module): The network to watch.
        layer_types (type or tuple[type]): Layer classes to hook
            (``isinstance`` test, so subclasses count). Defaults to
            ``(nn.BatchNorm2d,)`` (BN1d layers, e.g. a bottleneck's, are not
            recorded).

    Examples:
        >>> rec = BNStatsRecorder(net)
        >>> with rec.record():
        ...     logits = net(x)
        >>> (mean0, var0), *rest = rec.stats  # one pair per BN layer
        >>> src = rec.running_stats()          # detached snapshot
        >>> rec.remove()
    """

    def __init__(self,
                 module: nn.Module,
                 layer_types: LayerTypes = (nn.BatchNorm2d, )):
        if not isinstance(module, nn.Module):
            raise TypeError('BNStatsRecorder expects an nn.Module, got '
                            f'{type(module).__name__}')
        if isinstance(layer_types, type):
            layer_types = (layer_types, )
        self.layer_types = tuple(layer_types)
        self._layer_names: List[str] = []
        self._layers: List[nn.Module] = []
        for name, m in module.named_modules():
            if isinstance(m, self.layer_types):
                self._layer_names.append(name)
                self._layers.append(m)
        if not self._layers:
            raise NoBatchNormError(
                'BNStatsRecorder found no layer of type '
                f'{[t.__name__ for t in self.layer_types]} in '
                f'{type(module).__name__}; its normalisation layers: '
                f'{_norm_layer_summary(module)}')

        self._recording = False
        self._slots: List[Optional[Tuple[Tensor, Tensor]]] = []
        self._stats: Optional[List[Tuple[Tensor, Tensor]]] = None
        self._handles: Optional[list] = [
            layer.register_forward_hook(self._make_hook(i))
            for i, layer in enumerate(self._layers)
        ]

    def _make_hook(self, index: int):
        # A closure rather than a bound method: ``copy.deepcopy`` of the
        # network then shares this function instead of deep-copying the
        # recorder (and, through it, the whole network again).
        def hook(layer: nn.Module, inputs: Tuple[Tensor, ...],
                 output: Tensor) -> None:
            if not self._recording or layer is not self._layers[index]:
                return
            if self._slots[index] is not None:
                raise RuntimeError(
                    f'BN layer "{self._layer_names[index]}" fired twice '
                    'within one BNStatsRecorder.record() (a layer used '
                    'twice in a forward, or two forwards in one record); '
                    'its statistics would be ambiguous')
            x = inputs[0]
            if x.dim() < 2:
                raise RuntimeError(
                    f'BN layer "{self._layer_names[index]}" got an input of '
                    f'shape {tuple(x.shape)}; expected (N, C, *)')
            self._slots[index] = channel_moments(
                x, moments_saved_by_batch_norm(x, output))

        return hook

    @property
    def layer_names(self) -> List[str]:
        """list[str]: Names (in ``named_modules`` of the watched module) of
        the hooked layers, in recording order."""
        return list(self._layer_names)

    @property
    def layers(self) -> List[nn.Module]:
        """list[nn.Module]: The hooked layers, aligned with
        :attr:`layer_names`."""
        return list(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    @property
    def is_recording(self) -> bool:
        """bool: Whether a :meth:`record` context is active."""
        return self._recording

    @contextmanager
    def record(self) -> Iterator['BNStatsRecorder']:
        """Context manager that records the statistics of one forward.

        Previous statistics are dropped on entry. On a normal exit every
        hooked layer must have fired exactly once, otherwise a
        ``RuntimeError`` names the silent layers. Exceptions raised inside
        the block propagate unchanged and leave no statistics.

        Yields:
            BNStatsRecorder: ``self``.
        """
        if self._handles is None:
            raise RuntimeError('BNStatsRecorder.record() after remove()')
        if self._recording:
            raise RuntimeError('BNStatsRecorder.record() is not re-entrant')
        self._stats = None
        self._slots = [None] * len(self._layers)
        self._recording = True
        try:
            yield self
        except BaseException:
            self._slots = []
            raise
        finally:
            self._recording = False
        missing = [
            name for name, s in zip(self._layer_names, self._slots)
            if s is None
        ]
        slots, self._slots = self._slots, []
        if missing:
            raise RuntimeError(
                f'BNStatsRecorder: {len(missing)} of {len(slots)} layers did '
                f'not fire during record(): {missing}. Was the forward run '
                'through the watched network, and were its layers replaced '
                '(e.g. convert_sync_batchnorm) after the recorder was built?')
        self._stats = slots  # type: ignore[assignment]

    @property
    def stats(self) -> List[Tuple[Tensor, Tensor]]:
        """list[tuple[Tensor, Tensor]]: ``(mean, var)`` of each hooked
        layer's input in the last completed :meth:`record`, aligned with
        :attr:`layer_names`. Both have shape ``(C,)`` and carry the autograd
        graph of the recorded forward."""
        if self._stats is None:
            raise RuntimeError(
                'BNStatsRecorder.stats: no completed record() yet (or it '
                'was cleared / failed)')
        return list(self._stats)

    def clear(self) -> None:
        """Drop the recorded statistics (and the graph they reference)."""
        self._stats = None

    def running_stats(self) -> List[Tuple[Tensor, Tensor]]:
        """Snapshot of the layers' running statistics.

        Returns:
            list[tuple[Tensor, Tensor]]: Cloned, detached ``(running_mean,
            running_var)`` per hooked layer, aligned with
            :attr:`layer_names`. Take it before adaptation: layers in train
            mode keep updating their running statistics.
        """
        out = []
        for name, layer in zip(self._layer_names, self._layers):
            mean = getattr(layer, 'running_mean', None)
            var = getattr(layer, 'running_var', None)
            if mean is None or var is None:
                raise ValueError(
                    f'BN layer "{name}" keeps no running statistics '
                    '(track_running_stats=False?)')
            out.append((mean.detach().clone(), var.detach().clone()))
        return out

    def remove(self) -> None:
        """Remove the hooks. The recorder cannot record afterwards."""
        if self._handles is not None:
            for handle in self._handles:
                handle.remove()
        self._handles = None
        self._stats = None

    def __repr__(self) -> str:
        types = ', '.join(t.__name__ for t in self.layer_types)
        return (f'{type(self).__name__}(num_layers={len(self._layers)}, '
                f'layer_types=({types}))')
