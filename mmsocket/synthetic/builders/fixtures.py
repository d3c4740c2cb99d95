# Copyright (c) mmsocket contributors. All rights reserved.
"""Fixtures of particular rooms (kitchen, bathroom, lab, laundry, office),
stairs, columns, doors, windows and the wall-mounted items of
:data:`~mmsocket.synthetic.catalogue.WALL_ITEMS`.

Builders as described in :mod:`.parts`.
"""
from ..catalogue import WALL_ITEMS
from ..scene import Sphere
from .parts import Piece, box_at, cylinder_at, register


@register('kitchen_run')
def b_kitchen_run(ctx, avail, **_):
    """Counters filling most of a wall, upper cabinets, maybe fridge/stove."""
    w = avail * ctx.u(0.6, 1.0)
    d, h = 0.62, 0.9
    mc, mt = ctx.mat('cabinet'), ctx.mat('counter_top')
    piece = Piece(w, d, [])
    x0 = -w / 2
    if ctx.chance(0.6) and w > 1.8:
        fw = ctx.u(0.6, 0.8)
        piece.groups.append(('fridge', [
            box_at(x0 + fw / 2, 0, 0.0, fw, ctx.u(1.7, 2.0), 0.66,
                   ctx.mat('appliance'))
        ]))
        x0 += fw
    cw = w / 2 - x0
    cx = (x0 + w / 2) / 2
    piece.groups.append(('counter', [
        box_at(cx, 0.1, 0.02, cw, h - 0.14, d - 0.06, mc),
        box_at(cx, 0, 0.06, cw, 0.1, d - 0.14, ctx.mat('device')),
        box_at(cx, h - 0.04, 0, cw, 0.04, d, mt)
    ]))
    if cw > 1.0 and ctx.chance(0.7):
        sx = cx + ctx.u(-cw / 3, cw / 3)
        piece.groups.append(
            ('stove',
             [box_at(sx, h, 0, 0.6, 0.01, 0.55, ctx.mat('device'))] + [
                 cylinder_at(sx + bx, bz, h, h + 0.02, 0.08, ctx.mat('steel'))
                 for bx in (-0.15, 0.15) for bz in (-0.12, 0.12)
             ]))
    if ctx.chance(0.8):
        uw = cw * ctx.u(0.6, 1.0)
        piece.groups.append(
            ('cabinet',
             [box_at(cx, ctx.u(1.45, 1.55), 0.14, uw, 0.7, 0.34, mc)]))
    return piece


@register('kitchen_island')
def b_kitchen_island(ctx, avail, **_):
    w, d = ctx.u(1.2, 2.0), ctx.u(0.8, 1.0)
    return Piece(w, d, [('counter', [
        box_at(0, 0, 0, w - 0.05, 0.87, d - 0.05, ctx.mat('cabinet')),
        box_at(0, 0.87, 0, w, 0.04, d, ctx.mat('counter_top'))
    ])])


@register('toilet')
def b_toilet(ctx, avail, **_):
    m = ctx.mat('ceramic')
    return Piece(0.45, 0.7, [('toilet', [
        box_at(0, 0.4, 0.25, 0.42, 0.4, 0.18, m),
        cylinder_at(0, -0.05, 0, 0.38, 0.18, m),
        cylinder_at(0, -0.07, 0.38, 0.42, 0.2, m),
    ])])


@register('vanity')
def b_vanity(ctx, avail, **_):
    w = ctx.u(0.6, 1.2)
    m = ctx.mat('ceramic')
    piece = Piece(w, 0.5, [('sink', [
        box_at(0, 0, 0, w, 0.8, 0.5, ctx.mat('cabinet')),
        box_at(0, 0.8, 0, w, 0.05, 0.52, ctx.mat('counter_top')),
        cylinder_at(0, -0.02, 0.85, 0.9, 0.2, m),
        cylinder_at(0, 0.18, 0.85, 1.1, 0.02, ctx.mat('steel'))
    ])])
    piece.groups.append(('mirror', [
        box_at(0, ctx.u(1.15, 1.3), 0.24, w * ctx.u(0.7, 1.0), ctx.u(0.6, 0.9),
               0.02, ctx.mat('mirror'))
    ]))
    return piece


@register('bathtub')
def b_bathtub(ctx, avail, **_):
    w, d = ctx.u(1.5, 1.75), ctx.u(0.7, 0.8)
    m = ctx.mat('ceramic')
    return Piece(w, d, [('bathtub', [
        box_at(0, 0, 0, w, 0.56, d, m),
        box_at(0, 0.5, 0, w - 0.14, 0.07, d - 0.14, ctx.mat('mirror'))
    ])])


@register('shower')
def b_shower(ctx, avail, **_):
    s = ctx.u(0.8, 1.0)
    m = ctx.mat('ceramic')
    return Piece(s, s, [('bathtub', [
        box_at(0, 0, 0, s, 0.06, s, m),
        box_at(-s / 2 + 0.01, 0, 0, 0.02, 2.0, s, ctx.mat('window')),
        cylinder_at(0, s / 2 - 0.05, 1.2, 2.0, 0.015, ctx.mat('steel'))
    ])])


@register('lab_bench')
def b_lab_bench(ctx, avail, **_):
    w = min(ctx.u(2.0, 3.2), avail)
    d, h = ctx.u(0.75, 1.5), ctx.u(0.88, 0.94)
    piece = Piece(w, d, [('counter', [
        box_at(0, 0, 0, w - 0.1, h - 0.04, d - 0.1, ctx.mat('cabinet')),
        box_at(0, h - 0.04, 0, w, 0.04, d, ctx.mat('counter_top'))
    ])])
    eq = []
    for _ in range(int(ctx.rng.integers(2, 7))):
        x, z = ctx.u(-w / 2 + 0.15, w / 2 - 0.15), ctx.u(-d / 3, d / 3)
        k = ctx.rng.integers(3)
        if k == 0:
            eq.append(
                box_at(x, h, z, ctx.u(0.2, 0.5), ctx.u(0.15, 0.45),
                       ctx.u(0.2, 0.4), ctx.mat('equipment', shared=False)))
        elif k == 1:
            eq.append(
                cylinder_at(x, z, h, h + ctx.u(0.15, 0.35), ctx.u(0.03, 0.07),
                            ctx.mat('box', shared=False)))
        else:
            eq.append(
                Sphere((x, h + 0.08, z), ctx.u(0.06, 0.1),
                       ctx.mat('window', shared=False)))
    piece.groups.append(('equipment', eq))
    if ctx.chance(0.5):
        piece.groups.append(('shelf', [
            box_at(0, h + 0.45, 0, w - 0.2, 0.03, 0.3, ctx.mat('shelf')),
            box_at(-w / 2 + 0.15, h, 0, 0.03, 0.5, 0.03, ctx.mat('frame')),
            box_at(w / 2 - 0.15, h, 0, 0.03, 0.5, 0.03, ctx.mat('frame'))
        ]))
    return piece


@register('fume_hood')
def b_fume_hood(ctx, avail, **_):
    w = ctx.u(1.2, 1.8)
    m = ctx.mat('cabinet')
    return Piece(w, 0.8, [('cabinet', [
        box_at(0, 0, 0, w, 0.9, 0.8, m),
        box_at(0, 0.9, 0.15, w, 1.4, 0.5, m),
        box_at(0, 1.0, -0.12, w - 0.2, 0.8, 0.02, ctx.mat('glass_dark')),
        box_at(0, 0.9, 0, w, 0.04, 0.8, ctx.mat('counter_top'))
    ])])


@register('washing_machines')
def b_washing_machines(ctx, avail, **_):
    n = int(ctx.rng.integers(2, 6))
    w = 0.62
    n = max(1, min(n, int(avail // w)))
    mm = ctx.mat('machine')
    stack = ctx.chance(0.4)
    shapes = []
    for i in range(n):
        x = -n * w / 2 + (i + 0.5) * w
        for level in range(2 if stack else 1):
            y = level * 0.87
            shapes += [
                box_at(x, y, 0, w - 0.02, 0.85, 0.62, mm),
                box_at(x, y + 0.25, -0.315, 0.34, 0.34, 0.01,
                       ctx.mat('glass_dark')),
            ]
    return Piece(n * w, 0.64, [('machine', shapes)])


@register('printer')
def b_printer(ctx, avail, **_):
    m = ctx.mat('machine')
    return Piece(0.65, 0.65, [('printer', [
        box_at(0, 0, 0, 0.6, ctx.u(0.9, 1.1), 0.6, m),
        box_at(0, 0.95, 0.05, 0.62, 0.12, 0.5, ctx.mat('device'))
    ])])


@register('stairs')
def b_stairs(ctx, avail, **_):
    """A straight flight rising away from the camera (+z) with a handrail."""
    w = min(ctx.u(1.0, 1.8), avail)
    rise, run = ctx.u(0.15, 0.19), ctx.u(0.26, 0.32)
    H = ctx.room[1]
    n = int(min((ctx.room[2] - 1.8) / run, (H - 0.3) / rise))
    n = max(4, min(n, 16))
    m = ctx.mat('stairs')
    length = n * run
    shapes = [
        box_at(0, 0, -length / 2 + (i + 0.5) * run, w, (i + 1) * rise, run, m)
        for i in range(n)
    ]
    rail = []
    mr = ctx.mat('frame')
    for side in (-1, 1):
        if side == 1 or ctx.chance(0.5):
            for i in range(0, n, 3):
                rail.append(
                    box_at(side * (w / 2 - 0.04), (i + 1) * rise,
                           -length / 2 + (i + 0.5) * run, 0.03, 0.9, 0.03, mr))
    return Piece(w, length, [('stairs', shapes + rail)])


@register('railing')
def b_railing(ctx, avail, **_):
    w = min(ctx.u(1.5, 3.0), avail)
    mr = ctx.mat('frame')
    shapes = [box_at(0, 0.95, 0, w, 0.05, 0.05, mr)]
    shapes += [
        box_at(-w / 2 + i * 0.4, 0, 0, 0.03, 0.95, 0.03, mr)
        for i in range(int(w / 0.4) + 1)
    ]
    return Piece(w, 0.1, [('stairs', shapes)])


@register('column')
def b_column(ctx, avail, **_):
    H = ctx.room[1]
    if ctx.chance(0.5):
        r = ctx.u(0.2, 0.4)
        return Piece(
            2 * r, 2 * r,
            [('column', [cylinder_at(0, 0, 0, H, r, ctx.mat('column'))])])
    s = ctx.u(0.4, 0.7)
    return Piece(s, s,
                 [('column', [box_at(0, 0, 0, s, H, s, ctx.mat('column'))])])


@register('door')
def b_door(ctx, avail, **_):
    w, h = ctx.u(0.8, 1.0), ctx.u(2.0, 2.15)
    return Piece(w, 0.06, [('door', [
        box_at(0, 0, 0, w + 0.1, h + 0.05, 0.04, ctx.mat('frame')),
        box_at(0, 0, -0.02, w, h, 0.04, ctx.mat('door')),
        box_at(w / 2 - 0.12, 1.0, -0.05, 0.12, 0.03, 0.04, ctx.mat('steel'))
    ])])


@register('window')
def b_window(ctx, avail, **_):
    w, h = ctx.u(0.8, 2.0), ctx.u(0.9, 1.4)
    y0 = ctx.u(0.8, 1.0)
    mf = ctx.mat('frame')
    return Piece(w, 0.04, [('window', [
        box_at(0, y0 - 0.05, 0, w + 0.1, h + 0.1, 0.02, mf),
        box_at(0, y0, -0.01, w, h, 0.02, ctx.mat('window')),
        box_at(0, y0, -0.02, 0.04, h, 0.02, mf)
    ])])


# Wall-mounted items: a thin box whose back touches the wall.
def _wall_item(kind, role, w, h, y0, depth):

    def build(ctx, avail, **_):
        iw = min(ctx.u(*w), avail)
        return Piece(iw, depth, [(kind, [
            box_at(0, ctx.u(*y0), 0, iw, ctx.u(*h), depth, ctx.mat(role))
        ])])

    return build


for _name, _row in WALL_ITEMS.items():
    register(_name)(_wall_item(*_row))
