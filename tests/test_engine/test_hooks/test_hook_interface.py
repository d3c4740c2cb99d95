# Copyright (c) mmsocket contributors. All rights reserved.
"""The bank hooks refuse a model that has no bank for them."""
from types import SimpleNamespace

import pytest

from mmsocket.engine.hooks import PseudoLabelHook, TIFeatureBankHook
from tests.test_models.test_algorithms.test_tgmb_tgkt import build_tgmb


@pytest.mark.parametrize('hook', [PseudoLabelHook(), TIFeatureBankHook()])
def test_bank_hooks_refuse_tgmb(hook):
    runner = SimpleNamespace(model=build_tgmb())
    with pytest.raises(TypeError, match='remove the hook'):
        hook.before_train(runner)
