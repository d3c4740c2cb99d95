# Copyright (c) mmsocket contributors. All rights reserved.
"""Equipment and decor: gym and music equipment, plants, lamps, bins, rugs.

Builders as described in :mod:`.parts`.
"""
from ..scene import Sphere
from .parts import Piece, box_at, cylinder_at, register


@register('treadmill')
def b_treadmill(ctx, avail, **_):
    m = ctx.mat('equipment')
    return Piece(0.85, 1.9, [('equipment', [
        box_at(0, 0, 0.1, 0.8, 0.2, 1.7, m),
        box_at(-0.35, 0.2, -0.65, 0.05, 1.1, 0.05, m),
        box_at(0.35, 0.2, -0.65, 0.05, 1.1, 0.05, m),
        box_at(0, 1.2, -0.7, 0.75, 0.2, 0.25, ctx.mat('device')),
    ])])


@register('weight_bench')
def b_weight_bench(ctx, avail, **_):
    m = ctx.mat('equipment')
    return Piece(1.2, 1.4, [('equipment', [
        box_at(0, 0.35, 0.1, 0.3, 0.1, 1.2, ctx.mat('leather')),
        box_at(0, 0, 0.1, 0.1, 0.35, 1.0, m),
        box_at(-0.5, 0, -0.5, 0.06, 1.5, 0.06, m),
        box_at(0.5, 0, -0.5, 0.06, 1.5, 0.06, m),
        cylinder_at(-0.55, -0.5, 1.0, 1.05, 0.2, m),
    ])])


@register('dumbbell_rack')
def b_dumbbell_rack(ctx, avail, **_):
    w = min(ctx.u(1.2, 2.0), avail)
    m = ctx.mat('equipment')
    shapes = [box_at(0, 0, 0, w, 0.7, 0.45, ctx.mat('frame'))]
    n = int(w / 0.2)
    for i in range(n):
        shapes.append(Sphere((-w / 2 + (i + 0.5) * w / n, 0.78, 0.0), 0.08, m))
    return Piece(w, 0.5, [('equipment', shapes)])


@register('gym_mat')
def b_gym_mat(ctx, avail, **_):
    w, d = ctx.u(1.0, 2.0), ctx.u(1.5, 2.5)
    return Piece(
        0.1, 0.1,
        [('rug', [box_at(0, 0, 0, w, 0.03, d, ctx.mat('equipment'))])])


@register('piano')
def b_piano(ctx, avail, **_):
    m = ctx.mat('piano')
    return Piece(1.5, 0.65, [('piano', [
        box_at(0, 0, 0.12, 1.5, 1.25, 0.4, m),
        box_at(0, 0.7, -0.15, 1.4, 0.08, 0.3, m),
        box_at(0, 0.74, -0.15, 1.3, 0.02, 0.15, ctx.mat('white')),
        box_at(-0.68, 0, -0.15, 0.06, 0.7, 0.3, m),
        box_at(0.68, 0, -0.15, 0.06, 0.7, 0.3, m),
    ])])


@register('drums')
def b_drums(ctx, avail, **_):
    m = ctx.mat('equipment', shared=False)
    shapes = [cylinder_at(0, 0.2, 0, 0.55, 0.28, m)]
    for _ in range(int(ctx.rng.integers(2, 5))):
        x, z = ctx.u(-0.6, 0.6), ctx.u(-0.5, 0.3)
        top = ctx.u(0.5, 0.8)
        shapes.append(cylinder_at(x, z, top - 0.2, top, ctx.u(0.12, 0.2), m))
        shapes.append(cylinder_at(x, z, 0, top - 0.2, 0.015, ctx.mat('steel')))
    return Piece(1.4, 1.1, [('equipment', shapes)])


@register('music_stand')
def b_music_stand(ctx, avail, **_):
    mf = ctx.mat('frame')
    return Piece(0.5, 0.5, [('equipment', [
        cylinder_at(0, 0, 0, 1.1, 0.012, mf),
        box_at(0, 1.05, 0, 0.5, 0.35, 0.02, mf, 0.0)
    ])])


@register('plant')
def b_plant(ctx, avail, **_):
    h = ctx.u(0.3, 0.5)
    r = ctx.u(0.15, 0.25)
    mp = ctx.mat('plant', shared=False)
    shapes = [cylinder_at(0, 0, 0, h, r, ctx.mat('pot'))]
    top = h + ctx.u(0.2, 1.0)
    shapes.append(cylinder_at(0, 0, h, top, 0.03, ctx.mat('table_leg')))
    for _ in range(int(ctx.rng.integers(1, 4))):
        shapes.append(
            Sphere(
                (ctx.u(-0.1, 0.1), top + ctx.u(-0.1, 0.15), ctx.u(-0.1, 0.1)),
                ctx.u(0.2, 0.35), mp))
    return Piece(2 * r + 0.3, 2 * r + 0.3, [('plant', shapes)])


@register('floor_lamp')
def b_floor_lamp(ctx, avail, **_):
    h = ctx.u(1.4, 1.8)
    return Piece(0.4, 0.4, [('lamp', [
        cylinder_at(0, 0, 0, 0.03, 0.15, ctx.mat('frame')),
        cylinder_at(0, 0, 0.03, h, 0.015, ctx.mat('frame')),
        cylinder_at(0, 0, h, h + 0.3, 0.2, ctx.mat('lamp'))
    ])])


@register('ceiling_lamp')
def b_ceiling_lamp(ctx, avail, **_):
    H = ctx.room[1]
    y = H - ctx.u(0.6, 1.0)
    return Piece(0.6, 0.6, [('lamp', [
        cylinder_at(0, 0, y + 0.2, H, 0.01, ctx.mat('frame')),
        Sphere((0, y + 0.2, 0), ctx.u(0.2, 0.35), ctx.mat('lamp'))
    ])])


@register('bin')
def b_bin(ctx, avail, **_):
    r = ctx.u(0.15, 0.25)
    return Piece(
        2 * r, 2 * r,
        [('bin', [cylinder_at(0, 0, 0, ctx.u(0.35, 0.7), r, ctx.mat('bin'))])])


@register('rug')
def b_rug(ctx, avail, **_):
    w, d = ctx.u(1.5, 2.8), ctx.u(1.2, 2.0)
    # A rug does not block other furniture; its footprint is nominal.
    return Piece(0.1, 0.1,
                 [('rug', [box_at(0, 0, 0, w, 0.012, d, ctx.mat('rug'))])])
