#!/bin/bash
# one device call: H200 check + throughput, then six fine-tuning configurations in parallel
cd "$(dirname "$0")"
export OMP_NUM_THREADS=2 PYTHONUNBUFFERED=1
L=$OUT/all.log
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; python3 -c "import torch,transformers;print(torch.__version__, transformers.__version__)"; } >> $L 2>&1
timeout 90 python3 train.py check $OUT/check.json >> $L 2>&1
DL=$(( $(date +%s) + ${BUDGET:-450} ))
for c in st_p scl_p st_s scl_s; do
  python3 train.py $c --out $OUT/$c.jsonl --seeds 0 1 --deadline $DL > /tmp/$c.log 2>&1 &
done
for c in unit scl_unit; do
  python3 train.py $c --out $OUT/$c.jsonl --seeds 0 1 2 --deadline $DL > /tmp/$c.log 2>&1 &
done
wait
for c in st_p scl_p st_s scl_s unit scl_unit; do tail -n 30 /tmp/$c.log >> $L; done
nvidia-smi --query-gpu=memory.used --format=csv >> $L
cat $L | tail -c 11000
