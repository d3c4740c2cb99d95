# Copyright (c) mmsocket contributors. All rights reserved.
"""The palette library and the default palettes of every material role.

A palette is a family of colours one material is drawn from (see
:class:`~mmsocket.synthetic.palettes.Palette`, whose fields the keys of a
row are): ``colors`` lists sRGB hex codes, ``nir`` the range of the
near-infrared reflectance, the other keys (procedural texture, its period
and contrast, a second colour, colour jitter, emission) default as the
class says. Scene classes name palettes per material role; a role a class
does not name draws from :data:`DEFAULT_APPEARANCE`.
"""

#: Palette name -> the fields of its :class:`Palette`.
PALETTE_TABLE = {
    # walls
    'wall_white':
    dict(colors='f2f0ea e8e8e4 f4efe6', nir=(0.75, 0.9)),
    'wall_beige':
    dict(colors='e6d8b8 dccba4 efe2c6', nir=(0.7, 0.85)),
    'wall_warm':
    dict(colors='e8c9a0 d9b48f f0d2b0 c9a77f', nir=(0.65, 0.85)),
    'wall_cool':
    dict(colors='c8d6e0 b8c8d0 d4dde6', nir=(0.7, 0.85)),
    'wall_green':
    dict(colors='c9d8b6 b7c9a0 d3dcc0', nir=(0.7, 0.85)),
    'wall_grey':
    dict(colors='b8b8b4 a8aaaa c4c2bc', nir=(0.65, 0.8)),
    'wall_accent':
    dict(colors='c85a3c 3c6e9a 4f8a5b d9a23c', nir=(0.55, 0.75)),
    'wall_tile':
    dict(
        colors='f2f2f0 dfe8ee e6f0ea',
        nir=(0.75, 0.9),
        texture=('checker', ),
        texture_scale=(0.1, 0.2),
        texture_contrast=(0.08, 0.2)),
    'wall_brick':
    dict(
        colors='9a5a44 a8684c 8a5040',
        nir=(0.55, 0.7),
        texture=('stripes', ),
        texture_scale=(0.15, 0.25),
        texture_contrast=(0.2, 0.4),
        texture_axis=(1, ),
        second=('d8d0c0', )),
    'wall_wood':
    dict(
        colors='a87a4c 8e6238 b88a58',
        nir=(0.6, 0.75),
        texture=('stripes', ),
        texture_scale=(0.12, 0.2),
        texture_contrast=(0.15, 0.3),
        texture_axis=(0, 2)),
    'ceiling':
    dict(colors='f6f6f4 eeeeea', nir=(0.8, 0.9), jitter=(0.01, 0.1, 0.05)),
    # floors
    'floor_wood':
    dict(
        colors='9c6b3c b0804c 7a5030 c4965e',
        nir=(0.55, 0.75),
        texture=('stripes', ),
        texture_scale=(0.12, 0.22),
        texture_contrast=(0.15, 0.35),
        texture_axis=(0, 2)),
    'floor_tile':
    dict(
        colors='b0aca4 a0a09c c4beb4 8c9498',
        nir=(0.65, 0.8),
        texture=('checker', ),
        texture_scale=(0.25, 0.5)),
    'floor_tile_small':
    dict(
        colors='f0f0ee d8e4ec c8d0d0 2c3a48',
        nir=(0.6, 0.8),
        texture=('checker', ),
        texture_scale=(0.1, 0.2),
        texture_contrast=(0.15, 0.4)),
    'floor_lino':
    dict(
        colors='8c948a 7c8890 988c7c 6c7870',
        nir=(0.55, 0.7),
        texture=('noise', ),
        texture_scale=(0.2, 0.5),
        texture_contrast=(0.1, 0.2)),
    'carpet_grey':
    dict(
        colors='6c6c70 5a5e64 7c7a78',
        nir=(0.6, 0.75),
        texture=('noise', ),
        texture_scale=(0.05, 0.15),
        texture_contrast=(0.15, 0.3)),
    'carpet_blue':
    dict(
        colors='3c4c6c 34506e 4a5a78',
        nir=(0.6, 0.75),
        texture=('noise', ),
        texture_scale=(0.05, 0.15),
        texture_contrast=(0.15, 0.3)),
    'carpet_warm':
    dict(
        colors='8c3c34 7a4c3c 9a6a4c',
        nir=(0.6, 0.8),
        texture=('noise', ),
        texture_scale=(0.05, 0.15),
        texture_contrast=(0.15, 0.3)),
    'concrete':
    dict(
        colors='9a9a96 8a8c8c a8a49c',
        nir=(0.5, 0.65),
        texture=('noise', ),
        texture_scale=(0.3, 0.8),
        texture_contrast=(0.15, 0.3)),
    'rubber_floor':
    dict(
        colors='2c2c30 38383c 2a3440',
        nir=(0.25, 0.4),
        texture=('noise', ),
        texture_scale=(0.05, 0.1),
        texture_contrast=(0.2, 0.3)),
    # furniture
    'wood_light':
    dict(
        colors='c8a070 d4b080 b89060',
        nir=(0.6, 0.75),
        texture=('stripes', 'none'),
        texture_scale=(0.02, 0.05),
        texture_contrast=(0.05, 0.15),
        texture_axis=(0, 2)),
    'wood_dark':
    dict(
        colors='5c3c24 4a2e1c 6e4a2c',
        nir=(0.5, 0.7),
        texture=('stripes', 'none'),
        texture_scale=(0.02, 0.05),
        texture_contrast=(0.05, 0.15),
        texture_axis=(0, 2)),
    'white':
    dict(
        colors='f0f0ee e8e8e6 f6f4ee',
        nir=(0.75, 0.9),
        jitter=(0.01, 0.1, 0.05)),
    'laminate':
    dict(colors='e0dcd0 c8c4bc d0c8b4', nir=(0.65, 0.8)),
    'grey_metal':
    dict(colors='8c9094 a0a4a8 747880', nir=(0.4, 0.55)),
    'steel':
    dict(colors='c0c4c8 b0b4b8', nir=(0.5, 0.6), jitter=(0.01, 0.1, 0.05)),
    'black':
    dict(colors='202022 2a2a2c 18181a', nir=(0.08, 0.3)),
    'plastic_bright':
    dict(colors='d04030 2c70c0 f0b020 30a060 e06c20', nir=(0.4, 0.7)),
    'plastic_dark':
    dict(colors='303440 283038 40404a', nir=(0.15, 0.35)),
    'fabric_grey':
    dict(
        colors='6a6c70 5a5c60 80807c',
        nir=(0.6, 0.8),
        texture=('noise', ),
        texture_scale=(0.03, 0.08),
        texture_contrast=(0.1, 0.2)),
    'fabric_blue':
    dict(
        colors='2c4a7c 3a5a8a 24406a',
        nir=(0.6, 0.8),
        texture=('noise', ),
        texture_scale=(0.03, 0.08),
        texture_contrast=(0.1, 0.2)),
    'fabric_warm':
    dict(
        colors='a8503c c08040 8a6a4c b0a080 6a4a3c',
        nir=(0.6, 0.85),
        texture=('noise', ),
        texture_scale=(0.03, 0.08),
        texture_contrast=(0.1, 0.2)),
    'fabric_accent':
    dict(colors='e07020 40a050 d0c020 c03060 3090c0', nir=(0.6, 0.85)),
    'leather_black':
    dict(colors='1c1c1e 2a2220 302824', nir=(0.2, 0.4)),
    'bedding':
    dict(
        colors='f0f0ec e0e8f0 e8dcc8 c8d8e8',
        nir=(0.75, 0.9),
        texture=('none', 'stripes'),
        texture_scale=(0.05, 0.15),
        texture_axis=(0, 2)),
    'rug':
    dict(
        colors='8c3030 30508c 8c7040 406040 6a3c6a',
        nir=(0.6, 0.8),
        texture=('checker', 'stripes', 'noise'),
        texture_contrast=(0.3, 0.6),
        second=('e0d0b0', '202020', 'c0a060'),
        nir_texture=True),
    'books':
    dict(
        colors='8c2c2c 2c4c8c 2c6c3c c0a040 6c3c6c 402c20',
        nir=(0.4, 0.7),
        texture=('stripes', ),
        texture_scale=(0.03, 0.06),
        texture_contrast=(0.5, 0.9),
        second=('d8c8a0', '2c2c2c', 'c04030', '3060a0'),
        nir_texture=True),
    'board_white':
    dict(colors='f4f6f6 eef0f0', nir=(0.8, 0.9), jitter=(0.01, 0.05, 0.03)),
    'board_green':
    dict(colors='2c4c3c 345a44 1e3c30', nir=(0.3, 0.5)),
    'screen':
    dict(colors='1c2838 202c40 283040', nir=(0.05, 0.15), emission=0.9),
    'screen_off':
    dict(colors='101214 16181c', nir=(0.05, 0.1)),
    'window':
    dict(
        colors='c8dcf0 d8e8f8 b8d0e8',
        nir=(0.3, 0.5),
        jitter=(0.02, 0.2, 0.1),
        emission=1.4),
    'light_panel':
    dict(
        colors='fffaf0 f8f8ff',
        nir=(0.5, 0.6),
        jitter=(0.0, 0.05, 0.0),
        emission=3.0),
    'door_wood':
    dict(
        colors='8c5c34 a8784c 6a4428 c09868',
        nir=(0.55, 0.7),
        texture=('stripes', 'none'),
        texture_scale=(0.05, 0.1),
        texture_contrast=(0.05, 0.15),
        texture_axis=(1, )),
    'door_paint':
    dict(colors='e8e8e0 6c7c8c 8c3c2c 405c40', nir=(0.6, 0.8)),
    'ceramic':
    dict(colors='f8f8f6 eef2f4', nir=(0.8, 0.9), jitter=(0.01, 0.05, 0.03)),
    'stone':
    dict(
        colors='3c3c3c 8c8680 c8c0b0 5a4c44',
        nir=(0.4, 0.7),
        texture=('noise', ),
        texture_scale=(0.05, 0.15),
        texture_contrast=(0.2, 0.4)),
    'plant':
    dict(
        colors='3c7c34 2c6c2c 4c8c3c 5a7c2c',
        nir=(0.8, 0.95),
        texture=('noise', ),
        texture_scale=(0.04, 0.08),
        texture_contrast=(0.3, 0.5),
        nir_texture=True),
    'pot':
    dict(colors='b0603c e8e4dc 3c3c3c', nir=(0.4, 0.7)),
    'cardboard':
    dict(colors='b08c5c c09c68 a07c50', nir=(0.6, 0.75)),
    'glass_dark':
    dict(colors='30404c 28343c', nir=(0.1, 0.2), emission=0.2),
    'lamp_shade':
    dict(colors='f0e8d0 e8dcc0', nir=(0.7, 0.85), emission=1.2),
    'machine_white':
    dict(colors='f0f0ee e4e6e8', nir=(0.75, 0.9)),
    'gym_red':
    dict(colors='b02020 202020 c04020', nir=(0.2, 0.5)),
}

#: Material role -> the palettes it draws from unless a class says
#: otherwise (roles are the ``ctx.mat(role)`` names of the object builders).
DEFAULT_APPEARANCE = {
    'wall': ('wall_white', 'wall_beige', 'wall_grey'),
    'floor': ('floor_tile', 'floor_lino'),
    'ceiling': ('ceiling', ),
    'light': ('light_panel', ),
    'door': ('door_wood', 'door_paint'),
    'frame': ('grey_metal', ),
    'window': ('window', ),
    'board': ('board_white', ),
    'picture': ('plastic_bright', 'rug'),
    'mirror': ('steel', ),
    'table': ('wood_light', 'laminate'),
    'table_leg': ('grey_metal', 'black'),
    'chair': ('plastic_dark', 'fabric_grey', 'fabric_blue'),
    'chair_leg': ('grey_metal', 'black'),
    'desk': ('laminate', 'wood_light'),
    'screen': ('screen', ),
    'device': ('black', 'plastic_dark'),
    'computer': ('black', 'plastic_dark', 'white'),
    'shelf': ('wood_light', 'white', 'grey_metal'),
    'books': ('books', ),
    'cabinet': ('white', 'laminate', 'wood_light'),
    'counter_top': ('stone', ),
    'appliance': ('white', 'steel'),
    'ceramic': ('ceramic', ),
    'sofa': ('fabric_grey', 'fabric_warm', 'fabric_blue'),
    'bedding': ('bedding', ),
    'partition': ('fabric_grey', 'fabric_blue'),
    'plant': ('plant', ),
    'pot': ('pot', ),
    'lamp': ('lamp_shade', ),
    'column': ('white', 'concrete'),
    'stairs': ('concrete', 'wood_light'),
    'box': ('cardboard', ),
    'machine': ('machine_white', ),
    'rug': ('rug', ),
    'equipment': ('black', 'gym_red', 'steel'),
    'piano': ('black', 'wood_dark'),
    'bin': ('grey_metal', 'plastic_dark', 'plastic_bright'),
    'board_dark': ('board_green', ),
    'screen_off': ('screen_off', ),
    'leather': ('leather_black', ),
    'steel': ('steel', ),
    'white': ('white', ),
    'glass_dark': ('glass_dark', ),
}
