# Copyright (c) mmsocket contributors. All rights reserved.
"""Figures of the visualisation tools: labelled image grids, and saving.

Each picture tool draws with matplotlib (row and column labels, colour
bars, titles) and writes a PNG through :func:`save_figure`.
"""
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np


def save_figure(fig, out: str, dpi: int = 100) -> None:
    """Write a matplotlib figure as PNG (creating the folder) and free it."""
    import matplotlib.pyplot as plt
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=dpi, bbox_inches='tight')
    plt.close(fig)


def grid_figure(nrows: int,
                ncols: int,
                cell_hw: Sequence[int],
                scale: float = 2.0,
                dpi: int = 100,
                extra_width: float = 0.0):
    """A figure of ``nrows`` x ``ncols`` image axes, each image shown at
    ``scale`` screen pixels per image pixel (``cell_hw`` = its height and
    width), without ticks. ``extra_width`` (inches) leaves room for colour
    bars. Returns ``(fig, axes)`` with ``axes`` of shape (nrows, ncols).
    """
    import matplotlib.pyplot as plt
    h, w = cell_hw
    cell_w, cell_h = w * scale / dpi, h * scale / dpi
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * cell_w * 1.08 + 1.6 + extra_width,
                 nrows * cell_h * 1.12 + 0.8),
        squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig, axes


def labelled_image_grid(rows: Sequence[Sequence[np.ndarray]],
                        row_labels: Sequence[str],
                        col_labels: Optional[Sequence[str]] = None,
                        title: str = '',
                        scale: float = 2.0,
                        dpi: int = 100):
    """RGB uint8 images (H, W, 3) in rows, each row named on its left, the
    columns on top. Returns the matplotlib figure."""
    ncols = max(len(r) for r in rows)
    fig, axes = grid_figure(
        len(rows), ncols, rows[0][0].shape[:2], scale=scale, dpi=dpi)
    for i, (images, label) in enumerate(zip(rows, row_labels)):
        for j in range(ncols):
            ax = axes[i, j]
            if j < len(images):
                ax.imshow(images[j], interpolation='nearest')
            else:
                ax.set_axis_off()
        axes[i, 0].set_ylabel(
            label, rotation=0, ha='right', va='center', fontsize=9)
    for j, label in enumerate(col_labels or []):
        axes[0, j].set_title(label, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
