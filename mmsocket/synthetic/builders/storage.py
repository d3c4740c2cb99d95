# Copyright (c) mmsocket contributors. All rights reserved.
"""Storage furniture: shelves, cabinets, racks, stacks of boxes.

Builders as described in :mod:`.parts`.
"""
from ..palettes import PALETTES
from .parts import Piece, box_at, cylinder_at, register


@register('bookshelf')
def b_bookshelf(ctx, avail, w=(0.8, 1.2), h=(1.8, 2.2), d=(0.3, 0.4), **_):
    bw, bh, bd = ctx.u(*w), ctx.u(*h), ctx.u(*d)
    mf = ctx.mat('shelf')
    shapes = [box_at(0, 0, 0.01, bw, bh, bd - 0.02, mf)]
    n = int(round(bh / ctx.u(0.33, 0.4)))
    books = []
    for i in range(n):
        if ctx.chance(0.85):
            y0 = 0.05 + i * (bh - 0.05) / n
            fill = ctx.u(0.5, 0.95)
            books.append(
                box_at((fill - 1) * bw / 2 * ctx.u(-1, 1), y0, -bd / 2,
                       (bw - 0.06) * fill, (bh / n) * ctx.u(0.6, 0.85), 0.03,
                       ctx.mat('books', shared=False)))
    return Piece(bw, bd, [('bookshelf', shapes + books)])


@register('library_stack')
def b_library_stack(ctx, avail, **_):
    # A free-standing double-sided stack of shelves.
    length, h = min(ctx.u(2.0, 4.0), avail), ctx.u(1.6, 2.2)
    d = 0.6
    mf = ctx.mat('shelf')
    shapes = [box_at(0, 0, 0, length, h, d - 0.06, mf)]
    n = int(round(h / 0.38))
    for side in (-1, 1):
        for i in range(n):
            y0 = 0.05 + i * (h - 0.05) / n
            shapes.append(
                box_at(0, y0, side * (d / 2 - 0.02), length - 0.08,
                       (h / n) * ctx.u(0.6, 0.85), 0.03,
                       ctx.mat('books', shared=False)))
    return Piece(length, d, [('bookshelf', shapes)])


@register('cabinet')
def b_cabinet(ctx,
              avail,
              w=(0.6, 1.2),
              h=(0.8, 2.0),
              d=(0.4, 0.6),
              role='cabinet',
              kind='cabinet',
              **_):
    cw, ch, cd = ctx.u(*w), ctx.u(*h), ctx.u(*d)
    m = ctx.mat(role)
    return Piece(cw, cd, [(kind, [
        box_at(0, 0, 0, cw, ch, cd, m),
        box_at(0, ch * 0.2, -cd / 2, 0.02, ch * 0.6, 0.01, ctx.mat('frame'))
    ])])


@register('filing_cabinet')
def b_filing_cabinet(ctx, avail, **_):
    return b_cabinet(
        ctx, avail, w=(0.4, 0.5), h=(0.7, 1.35), d=(0.55, 0.65), role='frame')


@register('wardrobe')
def b_wardrobe(ctx, avail, **_):
    return b_cabinet(ctx, avail, w=(0.9, 1.8), h=(1.9, 2.3), d=(0.55, 0.65))


@register('lockers')
def b_lockers(ctx, avail, **_):
    w, h = min(ctx.u(1.2, 3.0), avail), ctx.u(1.7, 1.9)
    m = PALETTES['grey_metal'].sample(ctx.rng)
    m.texture, m.texture_axis = 'stripes', 0
    m.texture_scale, m.texture_contrast = 0.4, 0.25
    return Piece(w, 0.5, [('cabinet', [box_at(0, 0, 0, w, h, 0.5, m)])])


@register('nightstand')
def b_nightstand(ctx, avail, **_):
    piece = b_cabinet(
        ctx, avail, w=(0.4, 0.55), h=(0.45, 0.6), d=(0.35, 0.45), role='table')
    if ctx.chance(0.6):
        h = piece.groups[0][1][0].size[1]
        piece.groups.append(('lamp', [
            cylinder_at(0, 0, h, h + 0.25, 0.02, ctx.mat('frame')),
            cylinder_at(0, 0, h + 0.25, h + 0.45, 0.12, ctx.mat('lamp'))
        ]))
    return piece


@register('tv_stand')
def b_tv_stand(ctx, avail, **_):
    w = ctx.u(1.2, 2.0)
    sh = ctx.u(0.4, 0.6)
    tw = min(w, ctx.u(0.9, 1.4))
    piece = Piece(
        w, 0.45,
        [('cabinet', [box_at(0, 0, 0, w, sh, 0.45, ctx.mat('cabinet'))])])
    piece.groups.append(('tv', [
        box_at(0, sh, 0.1, 0.3, 0.05, 0.2, ctx.mat('device')),
        box_at(0, sh + 0.05, 0.1, tw, tw * 0.58, 0.05, ctx.mat('device')),
        box_at(0, sh + 0.07, 0.07, tw - 0.04, tw * 0.58 - 0.04, 0.01,
               ctx.mat('screen'))
    ]))
    return piece


@register('storage_rack')
def b_storage_rack(ctx, avail, **_):
    w = min(ctx.u(1.2, 2.4), avail)
    d, h = ctx.u(0.45, 0.7), ctx.u(1.8, 2.4)
    mf = ctx.mat('frame')
    shapes = [
        box_at(sx * (w / 2 - 0.03), 0, sz * (d / 2 - 0.03), 0.05, h, 0.05, mf)
        for sx in (-1, 1) for sz in (-1, 1)
    ]
    n = int(ctx.rng.integers(3, 6))
    boxes = []
    for i in range(n):
        y = 0.1 + i * (h - 0.1) / n
        shapes.append(box_at(0, y, 0, w, 0.03, d, mf))
        x = -w / 2 + 0.05
        while x < w / 2 - 0.3:
            bw = ctx.u(0.25, 0.6)
            if x + bw > w / 2 - 0.05:
                break
            if ctx.chance(0.75):
                boxes.append(
                    box_at(x + bw / 2, y + 0.03, 0, bw,
                           min(ctx.u(0.15, 0.4), (h - 0.1) / n - 0.05),
                           d * ctx.u(0.6, 0.95), ctx.mat('box', shared=False)))
            x += bw + 0.03
    return Piece(w, d, [('shelf', shapes), ('box', boxes)])


@register('carton_stack')
def b_carton_stack(ctx, avail, **_):
    s = ctx.u(0.4, 0.7)
    boxes = []
    y = 0.0
    for _ in range(int(ctx.rng.integers(1, 4))):
        h = ctx.u(0.25, 0.5)
        boxes.append(
            box_at(
                ctx.u(-0.05, 0.05), y, ctx.u(-0.05, 0.05), s, h, s,
                ctx.mat('box', shared=False), ctx.u(-10, 10)))
        y += h
    return Piece(s + 0.1, s + 0.1, [('box', boxes)])
