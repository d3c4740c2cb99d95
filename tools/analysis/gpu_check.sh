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
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PY=${PYTHON:-python}
DEVICE=${DEVICE:-cuda}
TINY=${TINY:-0}
OUT=${OUT:-work_dirs/gpu_check}
PORT=${PORT:-29512}
if [ "$DEVICE" = cpu ]; then AMP=${AMP:-bf16}; else AMP=${AMP:-fp16}; fi
if [ "$TINY" = 1 ]; then
  SCALE=tiny
  AMP_MEMORY=--amp-no-memory  # the CPU check: memory runs once, in fp32
else
  SCALE=paper
  AMP_MEMORY=
fi
if [ $# -ge 1 ]; then
  NPROC=$1
elif [ "$DEVICE" = cpu ]; then
  NPROC=2
else
  NPROC=$("$PY" -c 'import torch; print(min(2, torch.cuda.device_count()))')
fi
if [ "$DEVICE" != cpu ] && ! "$PY" -c 'import torch,sys; sys.exit(not torch.cuda.is_available())'; then
  echo "error: no CUDA device visible; run DEVICE=cpu TINY=1 $0 to check the script on the CPU" >&2
  exit 1
fi
mkdir -p "$OUT"
START=$(date +%s)

# fp32, $AMP and $AMP + channels_last: one parent process for the three.
echo "== step benchmark, $SCALE scale, $DEVICE: fp32, $AMP, ${AMP}_channels_last"
"$PY" -m mmsocket.apis.benchmark.precision_steps "$OUT" --scale "$SCALE" \
  --device "$DEVICE" --amp "$AMP" $AMP_MEMORY > "$OUT/steps.log" 2>&1 \
  || { tail -40 "$OUT/steps.log"; exit 1; }

echo "== DDP: SOCKET, $NPROC processes, 1 epoch of the quick data"
OPTS=$("$PY" -m mmsocket.apis.benchmark.ddp_smoke prepare "$OUT/ddp_prep" 2>"$OUT/ddp_prep.log" | tail -1) \
  || { tail -40 "$OUT/ddp_prep.log"; exit 1; }
rm -rf "$OUT/ddp"
T0=$(date +%s)
"$PY" -m torch.distributed.run --nnodes=1 --nproc_per_node="$NPROC" \
  --master_addr=127.0.0.1 --master_port="$PORT" \
  tools/train.py configs/socket/synthetic/kv1_to_kv1.py --launcher pytorch \
  --work-dir "$OUT/ddp" --cfg-options $OPTS train_cfg.max_epochs=1 \
  train_cfg.val_interval=1 default_hooks.logger.interval=1 \
  > "$OUT/ddp.log" 2>&1 || { tail -60 "$OUT/ddp.log"; exit 1; }
DDP_LINE=$("$PY" -m mmsocket.apis.benchmark.ddp_smoke summary "$OUT/ddp" $(( $(date +%s) - T0 )))

echo
echo "# gpu_check: $SCALE scale, device $DEVICE, AMP $AMP, $NPROC DDP processes"
for name in fp32 "$AMP" "${AMP}_channels_last"; do
  f="$OUT/step_$name.md"
  echo
  head -1 "$f"
  grep -E '^\| (configuration|.*\| (bare|socket) \|)' "$f" | head -3
done
echo
echo "$DDP_LINE"
echo "total $(( $(date +%s) - START )) s; logs and tables in $OUT"
