# Copyright (c) mmsocket contributors. All rights reserved.
"""The indoor scene classes: a layout recipe and an appearance recipe each.

A row of ``objects`` is ``(kind, count, placement[, prob[, options]])``,
placed in order (see :class:`~mmsocket.synthetic.scene_classes.ObjectSpec`):

* ``kind`` -- an object builder, a key of
  :data:`~mmsocket.synthetic.builders.BUILDERS`;
* ``count`` -- the number of copies, or an inclusive ``(min, max)`` range
  (for ``'rows'`` / ``'grid'``: the maximum number of rows and columns);
* ``placement`` -- ``'wall'``, ``'back'``, ``'side'``, ``'corner'``,
  ``'wall_mounted'``, ``'back_mounted'``, ``'side_mounted'``, ``'along'``,
  ``'centre'``, ``'rows'``, ``'grid'`` or ``'scatter'``
  (:mod:`~mmsocket.synthetic.layout`);
* ``prob`` -- the probability that the row is used at all (default 1);
* ``options`` -- ``fill`` (for rows/grids, the probability that a cell is
  occupied, default 0.9) and parameters passed to the builder.

``appearance`` names the palettes (:mod:`.palettes`) of the material roles
the class overrides; the other keys are the fields of
:class:`~mmsocket.synthetic.scene_classes.SceneClass` (camera, lighting),
left at their defaults where absent.

Object types are shared between classes (chairs, tables, shelves appear in
many rooms), so neither colour nor a single object type gives a class away;
room proportions and the arrangement of objects differ, so depth alone
carries class information too.
"""

#: The task-relevant classes of the transfer benchmark.
TR_SCENES = (
    dict(
        name='bathroom',
        room=((1.8, 3.0), (2.4, 2.7), (2.0, 3.5)),
        objects=(
            ('vanity', 1, 'back', 0.5),
            ('vanity', 1, 'side'),
            ('toilet', 1, 'wall'),
            ('bathtub', 1, 'back', 0.6),
            ('shower', 1, 'corner', 0.5),
            ('door', 1, 'side_mounted', 0.3),
            ('bin', 1, 'scatter', 0.3),
        ),
        appearance={
            'wall': ('wall_tile', 'wall_tile', 'wall_cool'),
            'floor': ('floor_tile_small', ),
            'cabinet': ('white', 'wood_light', 'wood_dark'),
        },
        camera_height=(1.3, 1.7),
        camera_pitch=(-35, -15),
    ),
    dict(
        name='classroom',
        room=((6.0, 9.0), (2.8, 3.4), (6.0, 9.0)),
        objects=(
            ('blackboard', 1, 'back', 0.5),
            ('whiteboard', 1, 'back', 0.8),
            ('window', (2, 4), 'side_mounted'),
            ('teacher_desk', 1, 'back'),
            ('student_desk', (3, 6), 'rows'),
            ('cabinet', (0, 2), 'side'),
        ),
        appearance={
            'wall': ('wall_beige', 'wall_white', 'wall_green'),
            'floor': ('floor_lino', 'floor_tile'),
            'chair': ('plastic_bright', 'plastic_dark', 'wood_light'),
            'desk': ('wood_light', 'laminate'),
        },
    ),
    dict(
        name='computer_room',
        room=((5.0, 8.0), (2.6, 3.2), (5.0, 9.0)),
        objects=(
            ('whiteboard', 1, 'back', 0.6),
            ('window', (0, 2), 'side_mounted', 0.6),
            ('computer_row', (2, 4), 'rows', 1.0,
             dict(fill=0.95, seats=(2, 4))),
            ('monitor_desk', (0, 2), 'side'),
            ('cabinet', (0, 1), 'wall'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_cool'),
            'floor': ('carpet_grey', 'floor_lino'),
            'desk': ('laminate', 'white'),
            'chair': ('fabric_blue', 'plastic_dark', 'fabric_grey'),
        },
    ),
    dict(
        name='conference_room',
        room=((3.5, 6.0), (2.6, 3.0), (5.0, 8.0)),
        objects=(
            ('conference_set', 1, 'centre'),
            ('screen', 1, 'back_mounted', 0.7),
            ('wall_tv', 1, 'back_mounted', 0.6),
            ('window', (0, 3), 'side_mounted', 0.7),
            ('cabinet', (0, 2), 'side'),
            ('plant', (0, 2), 'corner', 0.6),
        ),
        appearance={
            'wall': ('wall_white', 'wall_wood', 'wall_grey'),
            'floor': ('carpet_grey', 'carpet_blue', 'floor_wood'),
            'table': ('wood_dark', 'laminate'),
            'chair': ('leather_black', 'fabric_grey'),
        },
    ),
    dict(
        name='corridor',
        room=((1.6, 2.6), (2.5, 3.0), (8.0, 18.0)),
        objects=(
            ('window', 1, 'back_mounted', 0.6),
            ('door', 1, 'back_mounted', 0.4),
            ('door', (3, 8), 'side_mounted'),
            ('picture', (0, 3), 'side_mounted', 0.5),
            ('bench', 1, 'side', 0.3),
            ('plant', (0, 2), 'side', 0.4),
            ('bin', (0, 1), 'side', 0.5),
        ),
        appearance={
            'wall': ('wall_white', 'wall_beige', 'wall_cool', 'wall_grey'),
            'floor': ('floor_lino', 'floor_tile', 'concrete'),
        },
        camera_pitch=(-12, 0),
        camera_yaw=8.0,
    ),
    dict(
        name='discussion_area',
        room=((5.0, 8.0), (2.6, 3.2), (5.0, 8.0)),
        objects=(
            ('window', (1, 3), 'wall_mounted', 0.6),
            ('whiteboard', 1, 'wall_mounted', 0.6),
            ('round_table_set', (2, 3), 'grid', 1.0, dict(fill=0.95)),
            ('sofa', (1, 2), 'back', 0.7),
            ('plant', (1, 3), 'corner'),
            ('armchair', (0, 2), 'scatter', 0.5),
        ),
        appearance={
            'wall': ('wall_white', 'wall_accent', 'wall_cool'),
            'floor': ('floor_wood', 'carpet_grey', 'floor_lino'),
            'chair': ('fabric_accent', 'plastic_bright'),
            'sofa': ('fabric_accent', 'fabric_warm'),
        },
    ),
    dict(
        name='home_office',
        room=((2.4, 3.5), (2.4, 2.8), (2.8, 4.0)),
        objects=(
            ('monitor_desk', 1, 'back'),
            ('bookshelf', (1, 2), 'side'),
            ('window', 1, 'wall_mounted', 0.8),
            ('picture', (0, 2), 'wall_mounted', 0.6),
            ('filing_cabinet', 1, 'wall', 0.3),
            ('armchair', 1, 'corner', 0.3),
            ('plant', 1, 'corner', 0.5),
            ('rug', 1, 'centre', 0.3),
        ),
        appearance={
            'wall': ('wall_warm', 'wall_beige', 'wall_green'),
            'floor': ('floor_wood', 'carpet_warm'),
            'desk': ('wood_light', 'wood_dark'),
            'shelf': ('wood_light', 'wood_dark', 'white'),
        },
        camera_pitch=(-30, -10),
    ),
    dict(
        name='kitchen',
        room=((2.5, 4.5), (2.4, 2.8), (3.0, 5.0)),
        objects=(
            ('kitchen_run', 1, 'back'),
            ('kitchen_run', 1, 'side', 0.7),
            ('window', 1, 'wall_mounted', 0.5),
            ('kitchen_island', 1, 'centre', 0.4),
            ('dining_set', 1, 'centre', 0.3),
            ('bin', 1, 'wall', 0.5),
        ),
        appearance={
            'wall': ('wall_white', 'wall_tile', 'wall_warm'),
            'floor': ('floor_tile', 'floor_wood', 'floor_tile_small'),
            'cabinet': ('white', 'wood_light', 'wood_dark'),
            'counter_top': ('stone', ),
        },
        camera_pitch=(-30, -10),
    ),
    dict(
        name='lab',
        room=((5.0, 8.0), (2.7, 3.3), (6.0, 9.0)),
        objects=(
            ('fume_hood', (1, 2), 'wall'),
            ('window', (0, 2), 'side_mounted', 0.5),
            ('lab_bench', (2, 3), 'rows', 1.0, dict(fill=0.95)),
            ('storage_rack', (0, 2), 'side'),
            ('stool', (1, 4), 'scatter'),
            ('cabinet', (0, 2), 'wall'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_cool'),
            'floor': ('floor_lino', 'floor_tile', 'concrete'),
            'cabinet': ('white', 'grey_metal', 'laminate'),
            'counter_top': ('black', ),
            'chair': ('black', 'plastic_dark'),
        },
        light_color=('f4f8ff', 'ffffff'),
    ),
    dict(
        name='living_room',
        room=((4.0, 6.5), (2.4, 3.0), (4.5, 7.0)),
        objects=(
            ('tv_stand', 1, 'back'),
            ('sofa', 1, 'side'),
            ('coffee_table', 1, 'centre'),
            ('rug', 1, 'centre', 0.8),
            ('sofa', 1, 'side', 0.3),
            ('armchair', (0, 2), 'scatter'),
            ('window', (1, 2), 'wall_mounted', 0.8),
            ('picture', (0, 3), 'wall_mounted', 0.7),
            ('floor_lamp', 1, 'corner', 0.6),
            ('plant', (0, 2), 'corner'),
            ('bookshelf', 1, 'wall', 0.3),
        ),
        appearance={
            'wall': ('wall_warm', 'wall_beige', 'wall_white'),
            'floor': ('floor_wood', 'carpet_warm'),
            'table': ('wood_dark', 'wood_light'),
            'cabinet': ('wood_dark', 'white'),
        },
        light_color=('fff0dc', 'ffe4c4'),
    ),
    dict(
        name='office',
        room=((4.0, 7.0), (2.6, 3.0), (4.5, 8.0)),
        objects=(
            ('partitioned_desk', (2, 3), 'grid'),
            ('window', (1, 3), 'wall_mounted', 0.7),
            ('filing_cabinet', (1, 3), 'wall'),
            ('printer', 1, 'wall', 0.5),
            ('plant', (0, 2), 'corner'),
            ('bookshelf', (0, 1), 'wall'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_cool'),
            'floor': ('carpet_blue', 'carpet_grey'),
            'desk': ('laminate', 'white', 'wood_light'),
            'partition': ('fabric_grey', 'fabric_blue'),
        },
    ),
    dict(
        name='study_space',
        room=((4.0, 8.0), (2.6, 3.2), (5.0, 9.0)),
        objects=(
            ('bookshelf', (2, 5), 'wall'),
            ('dining_set', (2, 3), 'grid', 1.0, dict(fill=0.85)),
            ('window', (1, 3), 'wall_mounted', 0.7),
            ('floor_lamp', (0, 2), 'corner'),
            ('plant', (0, 1), 'corner'),
        ),
        appearance={
            'wall': ('wall_beige', 'wall_white', 'wall_wood'),
            'floor': ('floor_wood', 'carpet_warm', 'carpet_grey'),
            'table': ('wood_light', 'wood_dark'),
            'chair': ('wood_light', 'fabric_warm', 'plastic_dark'),
        },
    ),
)

#: The task-irrelevant classes (disjoint from the task-relevant ones).
TI_SCENES = (
    dict(
        name='bedroom',
        room=((3.0, 4.5), (2.4, 2.8), (3.0, 5.0)),
        objects=(
            ('window', 1, 'wall_mounted', 0.8),
            ('picture', (0, 2), 'wall_mounted', 0.6),
            ('bed', 1, 'back'),
            ('nightstand', (1, 2), 'back'),
            ('wardrobe', 1, 'side', 0.8),
            ('rug', 1, 'centre', 0.5),
            ('desk', 1, 'wall', 0.3),
        ),
        appearance={
            'wall': ('wall_warm', 'wall_cool', 'wall_beige'),
            'floor': ('floor_wood', 'carpet_warm'),
        },
        light_color=('fff0dc', 'ffe4c4'),
    ),
    dict(
        name='cafeteria',
        room=((7.0, 11.0), (2.8, 3.5), (7.0, 11.0)),
        objects=(
            ('window', (2, 4), 'wall_mounted', 0.8),
            ('kitchen_run', 1, 'back', 0.6),
            ('cafeteria_table', (3, 4), 'grid'),
            ('bin', (1, 2), 'wall'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_accent', 'wall_beige'),
            'floor': ('floor_tile', 'floor_lino'),
            'chair': ('plastic_bright', ),
        },
    ),
    dict(
        name='dining_room',
        room=((3.0, 5.0), (2.5, 3.0), (3.5, 5.5)),
        objects=(
            ('window', (1, 2), 'wall_mounted', 0.7),
            ('picture', (0, 2), 'wall_mounted', 0.7),
            ('dining_set', 1, 'centre'),
            ('cabinet', (1, 2), 'wall'),
            ('ceiling_lamp', 1, 'centre', 0.7),
            ('plant', (0, 1), 'corner'),
        ),
        appearance={
            'wall': ('wall_warm', 'wall_white', 'wall_wood'),
            'floor': ('floor_wood', 'floor_tile'),
            'table': ('wood_dark', 'wood_light'),
            'chair': ('wood_dark', 'fabric_warm'),
        },
        light_color=('fff0dc', ),
    ),
    dict(
        name='gym',
        room=((6.0, 10.0), (3.0, 4.0), (6.0, 10.0)),
        objects=(
            ('window', (0, 3), 'wall_mounted', 0.6),
            ('mirror', (1, 3), 'wall_mounted'),
            ('treadmill', (2, 5), 'rows', 1.0, dict(fill=0.8)),
            ('weight_bench', (1, 3), 'scatter'),
            ('dumbbell_rack', 1, 'wall', 0.7),
            ('gym_mat', (0, 2), 'scatter'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_accent'),
            'floor': ('rubber_floor', 'floor_wood'),
        },
    ),
    dict(
        name='hotel_room',
        room=((3.0, 4.5), (2.5, 2.8), (4.0, 6.0)),
        objects=(
            ('window', 1, 'back', 0.9),
            ('wall_tv', 1, 'side', 0.7),
            ('single_bed', (1, 2), 'side'),
            ('nightstand', 1, 'wall'),
            ('desk', 1, 'wall', 0.7),
            ('armchair', 1, 'corner', 0.5),
        ),
        appearance={
            'wall': ('wall_beige', 'wall_white'),
            'floor': ('carpet_warm', 'carpet_grey'),
        },
    ),
    dict(
        name='laundromat',
        room=((3.0, 6.0), (2.5, 3.0), (5.0, 9.0)),
        objects=(
            ('washing_machines', (1, 3), 'wall'),
            ('bench', (0, 2), 'centre'),
            ('bin', (0, 2), 'wall'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_tile', 'wall_accent'),
            'floor': ('floor_tile', 'floor_lino'),
        },
    ),
    dict(
        name='lecture_theatre',
        room=((8.0, 12.0), (3.5, 5.0), (8.0, 12.0)),
        objects=(
            ('screen', 1, 'back'),
            ('blackboard', 1, 'back', 0.4),
            ('teacher_desk', 1, 'back'),
            ('cafeteria_table', (4, 6), 'rows', 1.0, dict(fill=0.95)),
        ),
        appearance={
            'wall': ('wall_wood', 'wall_grey', 'wall_beige'),
            'floor': ('carpet_blue', 'carpet_grey'),
        },
        camera_height=(1.6, 2.4),
        camera_pitch=(-15, 0),
    ),
    dict(
        name='library',
        room=((6.0, 10.0), (2.8, 3.6), (6.0, 10.0)),
        objects=(
            ('bookshelf', (3, 6), 'wall'),
            ('library_stack', (3, 4), 'rows'),
            ('table', (0, 2), 'scatter'),
        ),
        appearance={
            'wall': ('wall_beige', 'wall_white'),
            'floor': ('carpet_warm', 'carpet_grey', 'floor_wood'),
            'shelf': ('wood_dark', 'wood_light', 'grey_metal'),
        },
    ),
    dict(
        name='lobby',
        room=((8.0, 12.0), (3.2, 4.5), (8.0, 12.0)),
        objects=(
            ('door', (1, 2), 'wall_mounted'),
            ('window', (1, 3), 'wall_mounted'),
            ('reception_desk', 1, 'back'),
            ('column', (2, 4), 'grid', 1.0, dict(fill=0.8)),
            ('sofa', (1, 2), 'side'),
            ('plant', (2, 4), 'scatter'),
        ),
        appearance={
            'wall': ('wall_white', 'wall_wood', 'wall_brick'),
            'floor': ('floor_tile', 'concrete'),
        },
    ),
    dict(
        name='music_room',
        room=((4.0, 7.0), (2.6, 3.4), (4.0, 7.0)),
        objects=(
            ('piano', 1, 'wall'),
            ('drums', 1, 'scatter', 0.6),
            ('music_stand', (2, 5), 'scatter'),
            ('chair', (2, 6), 'scatter'),
            ('picture', (0, 3), 'wall_mounted'),
        ),
        appearance={
            'wall': ('wall_wood', 'wall_accent', 'wall_white'),
            'floor': ('floor_wood', 'carpet_warm'),
        },
    ),
    dict(
        name='stairs',
        room=((2.0, 4.0), (3.5, 5.0), (4.0, 7.0)),
        objects=(
            ('stairs', 1, 'along'),
            ('railing', (0, 1), 'side'),
            ('window', (0, 1), 'wall_mounted', 0.5),
            ('door', (0, 1), 'wall_mounted', 0.5),
        ),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_brick'),
            'floor': ('concrete', 'floor_tile'),
        },
        camera_pitch=(-10, 15),
    ),
    dict(
        name='storage_room',
        room=((3.0, 6.0), (2.5, 3.2), (3.0, 7.0)),
        objects=(
            ('storage_rack', (2, 4), 'wall'),
            ('storage_rack', (1, 3), 'rows', 1.0, dict(fill=0.7)),
            ('carton_stack', (2, 6), 'scatter'),
            ('lockers', (0, 1), 'side'),
        ),
        appearance={
            'wall': ('wall_grey', 'wall_white', 'concrete'),
            'floor': ('concrete', ),
            'frame': ('grey_metal', 'plastic_bright'),
        },
        light_color=('f4f8ff', 'ffffff'),
        light_level=(0.6, 1.1),
    ),
)
