#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=""] \
#        bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [args...]
# See slurm_launch.sh.

exec bash "$(dirname "$0")/slurm_launch.sh" train.py "$1" "$2" "$3" \
    --work-dir="$4" "${@:5}"
