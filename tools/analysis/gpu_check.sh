#!/usr/bin/env bash
# One short check of mmsocket on 1-2 GPUs (< 8 min): the paper-scale SOCKET
# step beside bare forward+backward in fp32, AMP and AMP + channels_last
# (ratios, peak memory incl. torch.cuda.max_memory_allocated), then a short
# SOCKET DDP run (1 epoch of the quick start's --quick data) on the GPUs.
#
# Usage (from the repository root):
#   bash tools/analysis/gpu_check.sh [NPROC]        # GPUs; default 2 if
#                                                   # visible, else 1
#   DEVICE=cpu TINY=1 bash tools/analysis/gpu_check.sh 2
#       # the same steps on the CPU with tiny sizes (gloo DDP, bf16):
#       # checks the script before a GPU sees it (the tests run this)
# Environment: OUT (default work_dirs/gpu_check), PYTHON (default python),
# PORT (default 29512), AMP (default fp16 on a GPU, bf16 on the CPU).
#
# The work is one Python process (mmsocket/apis/benchmark/gpu_check.py):
# the step benchmark's subprocesses (a fresh one per memory run, one for
# the timing of the three precisions), the data and source model of the
# DDP run, torchrun, and the summary. Logs: $OUT/steps.log, ddp_prep.log,
# ddp.log; a failing stage prints the end of its log and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
START=$(date +%s)
PY=${PYTHON:-python}
DEVICE=${DEVICE:-cuda}
TINY=${TINY:-0}
OUT=${OUT:-work_dirs/gpu_check}
PORT=${PORT:-29512}
if [ "$DEVICE" = cpu ]; then AMP=${AMP:-bf16}; else AMP=${AMP:-fp16}; fi
ARGS=(--device "$DEVICE" --amp "$AMP" --port "$PORT" --start "$START")
if [ "$TINY" = 1 ]; then
  ARGS+=(--scale tiny --amp-no-memory)  # the CPU check: memory runs once, in fp32
else
  ARGS+=(--scale paper)
fi
if [ $# -ge 1 ]; then ARGS+=(--nproc "$1"); fi  # else 2 on the CPU, the GPUs (<= 2)
exec "$PY" -m mmsocket.apis.benchmark.gpu_check "$OUT" "${ARGS[@]}"
