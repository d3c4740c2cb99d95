# Copyright (c) mmsocket contributors. All rights reserved.
"""Object classes of the semantic maps and the wall-mounted items.

:data:`OBJECT_CLASSES` names the ids of the semantic maps (the id is the
index); every object builder files its shapes under one of these names.
:data:`WALL_ITEMS` are the objects that are nothing but a thin box hung on
a wall, so they need no builder code of their own.
"""

#: Object classes of the semantic maps; the id is the index.
OBJECT_CLASSES = ('void', 'wall', 'floor', 'ceiling', 'light', 'door',
                  'window', 'board', 'picture', 'mirror', 'table', 'chair',
                  'desk', 'monitor', 'computer', 'bookshelf', 'shelf',
                  'cabinet', 'counter', 'fridge', 'stove', 'sink', 'toilet',
                  'bathtub', 'sofa', 'tv', 'bed', 'partition', 'plant', 'lamp',
                  'column', 'stairs', 'box', 'machine', 'rug', 'bench',
                  'equipment', 'piano', 'printer', 'bin')

#: Builder name -> ``(object class, material role, width range, height
#: range, range of the bottom edge's height, depth)``, metres; the item's
#: back touches the wall.
WALL_ITEMS = {
    'whiteboard':
    ('board', 'board', (1.2, 2.4), (0.9, 1.2), (0.85, 1.0), 0.03),
    'blackboard':
    ('board', 'board_dark', (2.0, 3.5), (1.0, 1.2), (0.85, 1.0), 0.03),
    'screen': ('board', 'board', (1.5, 2.5), (1.0, 1.5), (1.0, 1.2), 0.03),
    'wall_tv': ('tv', 'screen_off', (1.0, 1.5), (0.6, 0.85), (1.0, 1.3), 0.06),
    'picture':
    ('picture', 'picture', (0.4, 1.2), (0.4, 0.9), (1.2, 1.6), 0.03),
    'mirror': ('mirror', 'mirror', (0.5, 1.0), (0.6, 1.0), (1.1, 1.3), 0.03),
    'upper_cabinet':
    ('cabinet', 'cabinet', (0.8, 2.0), (0.6, 0.8), (1.45, 1.6), 0.35),
    'wall_shelf': ('shelf', 'shelf', (0.6, 1.4), (0.03, 0.03), (1.2, 1.8),
                   0.25),
}
