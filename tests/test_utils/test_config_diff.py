# Copyright (c) mmsocket contributors. All rights reserved.
"""What changed between a checkpoint's config text and the current one,
read without running the text."""
from mmsocket.utils import config_changes, flatten_config, literal_config

OLD = """\
model = dict(type='SOCKET', sources=[dict(checkpoint='a.pth')], zeta=-1.0)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))
param_scheduler = [dict(type='MultiStepLR', milestones=[1, 2])]
work_dir = 'work_dirs/a'
"""


def test_changes_are_named_by_their_dotted_keys():
    new = OLD.replace('lr=0.01', 'lr=0.5').replace("'a.pth'", "'b.pth'")
    new = new.replace("work_dirs/a", "work_dirs/b") + 'extra = (1, 2)\n'
    assert config_changes(
        OLD, new, ignore=('work_dir', )) == [
            ('extra', '<unset>', [1, 2]),
            ('model.sources.0.checkpoint', 'a.pth', 'b.pth'),
            ('optim_wrapper.optimizer.lr', 0.01, 0.5),
        ]
    assert config_changes(OLD, OLD) == []
    flat = flatten_config(literal_config(OLD))
    assert flat['param_scheduler.0.milestones.'] == [1, 2]
    assert flat['model.zeta.'] == -1.0


def test_a_config_text_is_never_executed(tmp_path):
    marker = tmp_path / 'ran'
    evil = f"a = __import__('os').system('touch {marker}')\n"
    assert literal_config(evil) == {
        'a': f"<__import__('os').system('touch {marker}')>"
    }
    assert not marker.exists()
