#!/usr/bin/env bash
# Usage: [NNODES=1 NODE_RANK=0 MASTER_ADDR=127.0.0.1 PORT=29500] \
#        bash tools/dist_train.sh CONFIG NPROC_PER_NODE [train.py args...]
# NPROC_PER_NODE is the number of GPUs per node, or of processes on a
# CPU-only machine (then the gloo backend is used). See dist_launch.sh.

exec bash "$(dirname "$0")/dist_launch.sh" train.py "$2" "$1" "${@:3}"
