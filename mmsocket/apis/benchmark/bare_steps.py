# Copyright (c) mmsocket contributors. All rights reserved.
"""The bare work of a training iteration: what any implementation of a
method must compute on a batch, with trivial losses (``mean``) and no
hooks. The step benchmarks time it beside the shipped step; the whole-run
benchmark runs it over the same loader and epochs as the floor of a run.
"""
import torch


def bare_multi_source_step(model, data: dict, optim_wrapper) -> None:
    """SOCKET / SHOT / TGKT (:class:`MultiSourceAdaptation`): the target
    preprocessor on the TR batch, every encoder and its frozen head ->
    logits, loss = sum of ``logits.mean()``, backward; then (when the batch
    has a TI stream) every encoder on the TI batch, loss = sum of
    ``features.mean()``, backward; one optimizer step."""
    streams = [('target', True)] + ([('ti', False)] if 'ti' in data else [])
    for i, (key, through_heads) in enumerate(streams):
        batch = model.data_preprocessor(data[key], True)
        with optim_wrapper.optim_context(model):
            feats = model.encoders(batch['inputs'])
            outs = model._logits(feats) if through_heads else feats
            loss = sum(o.mean() for o in outs)
        if i + 1 < len(streams):
            optim_wrapper.backward(loss)
        else:
            optim_wrapper.update_params(loss)


def bare_dfdd_step(model, data: dict, optim_wrappers) -> None:
    """DFDD / KD-OOD (Algorithm 1's least work): preprocessing; teacher on
    x' without grad; with a generator G: G forward, teacher on G's output
    and backward into G, student forward+backward on G's output; student
    forward+backward on x'; the optimizer steps."""
    x = model.data_preprocessor(data, True)['inputs']
    teacher, student, gen = model.teacher, model.student, model.generator
    with torch.no_grad():
        teacher(x)
    if gen is not None:
        gx = gen(x)
        teacher(gx).mean().backward()
    student(x).mean().backward()
    names = ['student']
    if gen is not None:
        student(gx.detach()).mean().backward()
        names.insert(0, 'generator')
    for name in names:
        optim_wrappers[name].step()
    for name in names:
        optim_wrappers[name].zero_grad()


def bare_step(model, data: dict, optim_wrapper) -> None:
    """The bare step of ``model``'s method (see the functions above)."""
    from mmsocket.models.algorithms.dfdd import DFDD
    from mmsocket.models.algorithms.multi_source_adaptation import \
        MultiSourceAdaptation
    if isinstance(model, MultiSourceAdaptation):
        return bare_multi_source_step(model, data, optim_wrapper)
    if isinstance(model, DFDD):
        return bare_dfdd_step(model, data, optim_wrapper)
    raise TypeError(
        f'no bare step for {type(model).__name__}: the whole-run benchmark '
        'knows SOCKET/SHOT/TGKT (MultiSourceAdaptation) and DFDD/KD-OOD; '
        'add one to mmsocket/apis/benchmark/bare_steps.py')
