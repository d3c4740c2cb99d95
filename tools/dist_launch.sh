#!/usr/bin/env bash
# Usage: [NNODES=1 NODE_RANK=0 MASTER_ADDR=127.0.0.1 PORT=29500 PYTHON=python] \
#        bash tools/dist_launch.sh SCRIPT NPROC_PER_NODE [SCRIPT args...]
# torchrun of tools/SCRIPT (train.py or test.py) with --launcher pytorch;
# what tools/dist_train.sh and tools/dist_test.sh run. NPROC_PER_NODE is the
# number of GPUs per node, or of processes on a CPU-only machine (then the
# gloo backend is used).

SCRIPT=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

# torchrun via the interpreter: works without the venv's bin on PATH.
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$(dirname "$0")/$SCRIPT" \
    "${@:3}" \
    --launcher pytorch
