#!/usr/bin/env bash
# A measured recipe for a local single-node SLURM (Debian slurm-wlm + munge); used by tests/workflow/test_slurm.py.
# Stand up a single-node SLURM cluster (Debian 12, root, no systemd) in ~seconds.
set -euo pipefail
BASE=${SLURM_BASE:-/tmp/slurm-ci}
export DEBIAN_FRONTEND=noninteractive

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update
  apt-get install -y -o DPkg::Lock::Timeout=600 slurm-wlm munge
fi

# ---- munge -------------------------------------------------------------
# The Debian munge package's postinst already creates /etc/munge/munge.key.
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
mkdir -p "$BASE/run"
if ! munge -n >/dev/null 2>&1; then                  # not already running (e.g. started by an init script)
  install -d -o munge -g munge -m 0755 /run/munge    # systemd's RuntimeDirectory, done by hand
  runuser -u munge -- /usr/sbin/munged               # forks into the background, pid in /run/munge/munged.pid
  cp /run/munge/munged.pid "$BASE/run/munged.pid"    # remember that *we* started it
fi
munge -n | unmunge >/dev/null                        # smoke test

# ---- slurm.conf --------------------------------------------------------
rm -rf "$BASE/var"; rm -f "$BASE/run/slurmctld.pid" "$BASE/run/slurmd.pid"
mkdir -p "$BASE/etc" "$BASE/var/ctld" "$BASE/var/slurmd" "$BASE/log"
HOST=$(hostname -s)
NODE_HW=$(slurmd -C | head -n1 | sed 's/^NodeName=[^ ]* //')   # CPUs=2 Boards=1 ... RealMemory=<free -m total>
cat > "$BASE/etc/slurm.conf" <<CONF
ClusterName=ci
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MailProg=/bin/true
StateSaveLocation=$BASE/var/ctld
SlurmdSpoolDir=$BASE/var/slurmd
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MinJobAge=300
ReturnToService=2
MpiDefault=none
NodeName=${HOST} NodeAddr=127.0.0.1 ${NODE_HW} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# Client commands run *inside* jobs by snakemake's slurm-jobstep plugin get SLURM_CONF stripped,
# so the config must be at the default path:
ln -sfn "$BASE/etc/slurm.conf" /etc/slurm/slurm.conf

# ---- daemons -------------------------------------------------------------
slurmctld          # daemonizes; pid -> $BASE/run/slurmctld.pid
slurmd             # daemonizes; pid -> $BASE/run/slurmd.pid

for _ in $(seq 1 60); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  sleep 0.5
done
sinfo
timeout 60 srun -t 1 hostname >/dev/null   # end-to-end smoke test
echo "SLURM up: munged=$(cat $BASE/run/munged.pid 2>/dev/null || echo not-ours) slurmctld=$(cat $BASE/run/slurmctld.pid) slurmd=$(cat $BASE/run/slurmd.pid)"
