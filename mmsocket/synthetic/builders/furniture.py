# Copyright (c) mmsocket contributors. All rights reserved.
"""Furniture people sit, lie or work at: tables, chairs, desks, the
seating sets built from them, sofas and beds.

Builders as described in :mod:`.parts`.
"""
import numpy as np

from .parts import Piece, box_at, cylinder_at, move_shape, register


def _table_shapes(ctx, w, d, h, top='table', leg='table_leg'):
    mt, ml = ctx.mat(top), ctx.mat(leg)
    lx, lz = w / 2 - 0.05, d / 2 - 0.05
    shapes = [box_at(0, h - 0.04, 0, w, 0.04, d, mt)]
    shapes += [
        box_at(sx * lx, 0, sz * lz, 0.05, h - 0.04, 0.05, ml) for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    return shapes


@register('table')
def b_table(ctx, avail, w=(1.0, 1.6), d=(0.7, 0.9), h=(0.72, 0.76), **_):
    tw, td = ctx.u(*w), ctx.u(*d)
    return Piece(tw, td, [('table', _table_shapes(ctx, tw, td, ctx.u(*h)))])


@register('chair')
def b_chair(ctx, avail, role='chair', **_):
    m, ml = ctx.mat(role), ctx.mat('chair_leg')
    s, hs = ctx.u(0.42, 0.5), ctx.u(0.43, 0.47)
    back = ctx.u(0.35, 0.5)
    shapes = [
        box_at(0, hs - 0.05, 0, s, 0.05, s, m),
        box_at(0, hs, s / 2 - 0.03, s, back, 0.05, m)
    ]
    shapes += [
        box_at(sx * (s / 2 - 0.03), 0, sz * (s / 2 - 0.03), 0.03, hs - 0.05,
               0.03, ml) for sx in (-1, 1) for sz in (-1, 1)
    ]
    return Piece(s, s, [('chair', shapes)])


@register('stool')
def b_stool(ctx, avail, **_):
    m, ml = ctx.mat('chair'), ctx.mat('chair_leg')
    h = ctx.u(0.6, 0.75)
    return Piece(0.4, 0.4, [('chair', [
        cylinder_at(0, 0, h - 0.05, h, 0.18, m),
        cylinder_at(0, 0, 0, h - 0.05, 0.03, ml),
        cylinder_at(0, 0, 0, 0.03, 0.2, ml)
    ])])


def _with_chair(ctx, piece, gap=0.15, role='chair'):
    """Put a chair at the user side (-z) of a piece, facing it."""
    ch = b_chair(ctx, 1.0, role=role)
    z = -piece.d / 2 - ch.d / 2 + gap * ctx.u(0.2, 1.5)
    piece.add(ch, ctx.u(-0.05, 0.05), z, 180 + ctx.u(-15, 15))
    piece.d += ch.d - gap
    # Keep the footprint centred on the original piece plus the chair.
    shift = (ch.d - gap) / 2
    for _, shapes in piece.groups:
        for i, s in enumerate(shapes):
            shapes[i] = move_shape(s, 0, shift, 0)
    return piece


@register('desk')
def b_desk(ctx,
           avail,
           w=(1.0, 1.5),
           d=(0.6, 0.8),
           chair=True,
           monitor=0.0,
           **_):
    dw, dd, h = ctx.u(*w), ctx.u(*d), ctx.u(0.72, 0.76)
    shapes = _table_shapes(ctx, dw, dd, h, top='desk')
    if ctx.chance(0.6):
        shapes.append(
            box_at(dw / 2 - 0.22, 0.05, 0, 0.4, h - 0.1, dd - 0.1,
                   ctx.mat('desk')))
    piece = Piece(dw, dd, [('desk', shapes)])
    if ctx.chance(monitor):
        piece.groups += _monitor(ctx, 0, dd / 4, h).groups
        if ctx.chance(0.5):
            piece.groups.append(('computer', [
                box_at(-dw / 2 + 0.2, 0, 0.0, 0.2, 0.45, 0.45,
                       ctx.mat('computer'))
            ]))
    if chair:
        piece = _with_chair(ctx, piece)
    return piece


def _monitor(ctx, x, z, y0, w=None):
    w = w or ctx.u(0.45, 0.6)
    h = w * 0.6
    m_case = ctx.mat('device')
    return Piece(w, 0.2, [('monitor', [
        box_at(x, y0, z + 0.05, 0.06, 0.12, 0.06, m_case),
        box_at(x, y0 + 0.1, z + 0.03, w, h, 0.04, m_case),
        box_at(x, y0 + 0.12, z, w - 0.04, h - 0.04, 0.01, ctx.mat('screen')),
    ])])


@register('student_desk')
def b_student_desk(ctx, avail, **_):
    return b_desk(ctx, avail, w=(0.55, 0.7), d=(0.45, 0.55))


@register('monitor_desk')
def b_monitor_desk(ctx, avail, **_):
    return b_desk(ctx, avail, monitor=1.0)


@register('teacher_desk')
def b_teacher_desk(ctx, avail, **_):
    return b_desk(ctx, avail, w=(1.2, 1.6), d=(0.7, 0.8), monitor=0.3)


@register('partitioned_desk')
def b_partitioned_desk(ctx, avail, **_):
    piece = b_desk(
        ctx, avail, w=(1.2, 1.6), d=(0.7, 0.8), monitor=0.9, chair=False)
    w, d = piece.w, piece.d
    h = ctx.u(1.2, 1.6)
    mp = ctx.mat('partition')
    piece.groups.append(('partition', [
        box_at(0, 0, d / 2 + 0.03, w + 0.1, h, 0.05, mp),
        box_at(-w / 2 - 0.03, 0, -0.2, 0.05, h, d + 0.5, mp),
        box_at(w / 2 + 0.03, 0, -0.2, 0.05, h, d + 0.5, mp)
    ]))
    piece.w += 0.1
    return _with_chair(ctx, piece)


@register('computer_row')
def b_computer_row(ctx, avail, seats=(2, 4), **_):
    n = int(ctx.rng.integers(seats[0], seats[1] + 1))
    pitch = ctx.u(0.75, 0.95)
    w = min(n * pitch, avail)
    n = max(1, int(w // pitch))
    d, h = ctx.u(0.7, 0.85), 0.74
    piece = Piece(w, d, [('desk', _table_shapes(ctx, w, d, h, top='desk'))])
    for i in range(n):
        x = -w / 2 + pitch * (i + 0.5)
        piece.groups += _monitor(ctx, x, d / 4, h).groups
        if ctx.chance(0.7):
            piece.groups.append(('computer', [
                box_at(x + pitch / 2 - 0.15, 0, d / 4, 0.18, 0.42, 0.42,
                       ctx.mat('computer'))
            ]))
    chairs = Piece(w, 0.5, [])
    for i in range(n):
        if ctx.chance(0.9):
            chairs.add(
                b_chair(ctx,
                        1), -w / 2 + pitch * (i + 0.5) + ctx.u(-0.08, 0.08), 0,
                180 + ctx.u(-20, 20))
    piece.add(chairs, 0, -d / 2 - 0.2, 0)
    piece.d += 0.45
    for _, shapes in piece.groups:
        for i, s in enumerate(shapes):
            shapes[i] = move_shape(s, 0, 0.225, 0)
    return piece


@register('conference_set')
def b_conference_set(ctx, avail, **_):
    w = min(ctx.u(1.1, 1.4), avail)
    # Leave room for the camera and the chairs at both ends.
    length = min(ctx.u(2.4, 4.2), ctx.room[2] - 2.6)
    h = 0.74
    shapes = [box_at(0, h - 0.05, 0, w, 0.05, length, ctx.mat('table'))]
    ml = ctx.mat('table_leg')
    shapes += [
        box_at(0, 0, sz * length / 3, 0.3, h - 0.05, 0.3, ml) for sz in (-1, 1)
    ]
    piece = Piece(w + 1.1, length + 0.9, [('table', shapes)])
    n_side = max(2, int(length / 0.8))
    for i in range(n_side):
        z = -length / 2 + (i + 0.5) * length / n_side
        for side in (-1, 1):
            if ctx.chance(0.85):
                piece.add(
                    b_chair(ctx, 1, role='chair'), side * (w / 2 + 0.25), z,
                    side * 90 + ctx.u(-20, 20))
    if ctx.chance(0.6):
        piece.add(b_chair(ctx, 1), 0, -length / 2 - 0.3, 180)
    return piece


@register('round_table_set')
def b_round_table_set(ctx, avail, chairs=(2, 4), **_):
    r, h = ctx.u(0.4, 0.6), ctx.u(0.72, 0.76)
    mt, ml = ctx.mat('table'), ctx.mat('table_leg')
    piece = Piece(2 * r + 1.0, 2 * r + 1.0, [('table', [
        cylinder_at(0, 0, h - 0.04, h, r, mt),
        cylinder_at(0, 0, 0.03, h - 0.04, 0.05, ml),
        cylinder_at(0, 0, 0, 0.03, 0.3, ml)
    ])])
    n = int(ctx.rng.integers(chairs[0], chairs[1] + 1))
    a0 = ctx.u(0, 360)
    for i in range(n):
        a = np.deg2rad(a0 + 360 * i / n)
        piece.add(
            b_chair(ctx, 1), (r + 0.25) * np.sin(a), -(r + 0.25) * np.cos(a),
            -np.rad2deg(a) + 180)
    return piece


@register('dining_set')
def b_dining_set(ctx, avail, **_):
    w, d = ctx.u(1.4, 2.2), ctx.u(0.8, 1.0)
    piece = Piece(w + 0.2, d + 1.0,
                  [('table', _table_shapes(ctx, w, d, ctx.u(0.73, 0.77)))])
    n = max(1, int(w / 0.65))
    for side in (-1, 1):
        for i in range(n):
            if ctx.chance(0.9):
                piece.add(
                    b_chair(ctx, 1), -w / 2 + (i + 0.5) * w / n,
                    side * (d / 2 + 0.2), 90 - side * 90)
    return piece


@register('cafeteria_table')
def b_cafeteria_table(ctx, avail, **_):
    w, d = ctx.u(1.6, 2.4), ctx.u(0.7, 0.8)
    mb = ctx.mat('chair')
    piece = Piece(w, d + 0.8, [('table', _table_shapes(ctx, w, d, 0.74))])
    for side in (-1, 1):
        piece.groups.append(('bench', [
            box_at(0, 0.42, side * (d / 2 + 0.3), w, 0.04, 0.3, mb),
            box_at(0, 0, side * (d / 2 + 0.3), w * 0.8, 0.42, 0.06,
                   ctx.mat('table_leg'))
        ]))
    return piece


@register('sofa')
def b_sofa(ctx, avail, w=(1.6, 2.4), role='sofa', **_):
    sw, sd = ctx.u(*w), ctx.u(0.8, 0.95)
    m = ctx.mat(role)
    arm = 0.18
    return Piece(sw, sd, [('sofa', [
        box_at(0, 0.08, -0.05, sw - 2 * arm, 0.36, sd - 0.2, m),
        box_at(0, 0.08, sd / 2 - 0.12, sw, ctx.u(0.6, 0.75), 0.24, m),
        box_at(-sw / 2 + arm / 2, 0.08, 0, arm, 0.52, sd, m),
        box_at(sw / 2 - arm / 2, 0.08, 0, arm, 0.52, sd, m),
        box_at(0, 0, 0, sw - 0.1, 0.08, sd - 0.1, ctx.mat('chair_leg')),
    ])])


@register('armchair')
def b_armchair(ctx, avail, **_):
    return b_sofa(ctx, avail, w=(0.75, 0.95))


@register('coffee_table')
def b_coffee_table(ctx, avail, **_):
    w, d = ctx.u(0.8, 1.3), ctx.u(0.5, 0.7)
    return Piece(w, d,
                 [('table', _table_shapes(ctx, w, d, ctx.u(0.38, 0.48)))])


@register('bed')
def b_bed(ctx, avail, w=(1.4, 1.8), **_):
    bw, bl = ctx.u(*w), ctx.u(1.95, 2.15)
    mf, mb = ctx.mat('table'), ctx.mat('bedding')
    shapes = [
        box_at(0, 0, 0, bw, 0.3, bl, mf),
        box_at(0, 0.3, -0.02, bw - 0.06, 0.22, bl - 0.08, mb),
        box_at(0, 0, bl / 2 - 0.04, bw + 0.04, ctx.u(0.9, 1.2), 0.08, mf),
    ]
    n_p = 2 if bw > 1.2 else 1
    mp = ctx.mat('bedding', shared=False)
    for i in range(n_p):
        shapes.append(
            box_at(-bw / 2 + (i + 0.5) * bw / n_p, 0.52, bl / 2 - 0.3,
                   bw / n_p - 0.15, 0.12, 0.35, mp))
    if ctx.chance(0.6):
        shapes.append(
            box_at(0, 0.52, -bl * 0.2, bw - 0.04, 0.05, bl * 0.5,
                   ctx.mat('bedding', shared=False)))
    return Piece(bw, bl, [('bed', shapes)])


@register('single_bed')
def b_single_bed(ctx, avail, **_):
    return b_bed(ctx, avail, w=(0.9, 1.1))


@register('bench')
def b_bench(ctx, avail, **_):
    w = ctx.u(1.2, 2.0)
    return Piece(w, 0.45, [('bench', [
        box_at(0, 0.4, 0, w, 0.05, 0.4, ctx.mat('table')),
        box_at(-w / 2 + 0.1, 0, 0, 0.05, 0.4, 0.35, ctx.mat('table_leg')),
        box_at(w / 2 - 0.1, 0, 0, 0.05, 0.4, 0.35, ctx.mat('table_leg'))
    ])])


@register('reception_desk')
def b_reception_desk(ctx, avail, **_):
    w = min(ctx.u(2.0, 4.0), avail)
    m = ctx.mat('cabinet')
    piece = Piece(w, 0.8, [('counter', [
        box_at(0, 0, 0, w, 1.05, 0.7, m),
        box_at(0, 1.05, -0.05, w + 0.1, 0.05, 0.8, ctx.mat('counter_top')),
        box_at(-w / 2 + 0.3, 0, -0.9, 0.7, 1.05, 1.2, m)
    ])])
    piece.groups += _monitor(ctx, w / 4, 0.1, 1.1).groups
    return piece
