#!/usr/bin/env bash
# A measured recipe for a local single-node SLURM (Debian slurm-wlm + munge); used by tests/workflow/test_slurm.py.
# Stop the daemons started by slurm-up.sh, by the pids they wrote (no pkill/killall).
BASE=${SLURM_BASE:-/tmp/slurm-ci}
stop_pid() {  # name pidfile
  local name=$1 pf=$2 pid
  [ -s "$pf" ] || { echo "$name: no pid file $pf"; return 0; }
  pid=$(cat "$pf"); local t0=$(date +%s%N)
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "$name ($pid) still alive, sending KILL"; kill -KILL "$pid"; fi
    echo "$name ($pid) stopped in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  else
    echo "$name ($pid) not running"
  fi
  rm -f "$pf"
}
stop_pid slurmd    "$BASE/run/slurmd.pid"
stop_pid slurmctld "$BASE/run/slurmctld.pid"
stop_pid munged    "$BASE/run/munged.pid"   # only if slurm-up.sh started it
