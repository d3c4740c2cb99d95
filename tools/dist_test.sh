#!/usr/bin/env bash
# Usage: [NNODES=1 NODE_RANK=0 MASTER_ADDR=127.0.0.1 PORT=29500] \
#        bash tools/dist_test.sh CONFIG CHECKPOINT NPROC_PER_NODE [args...]
# See dist_launch.sh.

exec bash "$(dirname "$0")/dist_launch.sh" test.py "$3" "$1" "$2" "${@:4}"
