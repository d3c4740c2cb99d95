#!/usr/bin/env bash
# Run the synthetic data-free depth table one config at a time, each under
# the shared heavy-job lock (released between configs), then write the table.
set -e
cd "$(dirname "$0")/../.."
LOCK=${LOCK:-/tmp/mmsocket_heavy.lock}
PY=${PYTHON:-python}
for c in teacher_r18w16_real student_r18w8_real kd-ood_r18w16-r18w8_sim \
         dfdd_r18w16-r18w8_sim kd-noise_r18w16-r18w8 dfad_r18w16-r18w8 \
         dfdd-no-g_r18w16-r18w8_sim dfdd-no-mix_r18w16-r18w8_sim \
         dfdd-no-rec_r18w16-r18w8_sim dfdd-with-gx_r18w16-r18w8_sim; do
  flock "$LOCK" env OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 \
    "$PY" tools/analysis/run_dfdd_table.py --only "$c" "$@"
done
env OMP_NUM_THREADS=1 "$PY" tools/analysis/run_dfdd_table.py "$@"
