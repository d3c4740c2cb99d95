#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=""] \
#        bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [args...]
# See slurm_launch.sh.

exec bash "$(dirname "$0")/slurm_launch.sh" test.py "$1" "$2" "$3" "$4" \
    "${@:5}"
