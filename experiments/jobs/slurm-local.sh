#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying slurm-array.sbatch for real: munged, slurmctld and slurmd
# (Debian 12's slurm-wlm 22.05 and munge), started directly as root without systemd, with their config, key, state
# and logs in one folder of their own.
#
#   sudo bash experiments/jobs/slurm-local.sh start     # installs the packages if missing, waits for an idle node
#   export SLURM_CONF=/var/tmp/harness-slurm/slurm.conf # as `start` prints; sbatch, squeue and sinfo read it
#   sudo bash experiments/jobs/slurm-local.sh status
#   sudo bash experiments/jobs/slurm-local.sh stop      # cancels its jobs, stops the daemons, removes the folder
#
# HARNESS_SLURM_DIR (default /var/tmp/harness-slurm) moves the folder, HARNESS_SLURM_PORT (default 6817; slurmd
# takes the next port) the ports. Exit codes: 0 done, 1 the cluster failed (its logs are printed), 2 usage,
# 3 this machine cannot run it (not root, no apt-get, packages not installable, ports taken).
set -euo pipefail

dir=${HARNESS_SLURM_DIR:-/var/tmp/harness-slurm}
ctld_port=${HARNESS_SLURM_PORT:-6817}
slurmd_port=$((ctld_port + 1))
conf=$dir/slurm.conf
node=$(hostname -s)

cannot() { echo "slurm-local: cannot run here: $*" >&2; exit 3; }
# A start that fails stops what it started, and keeps the folder (logs, config) for a look.
fail() { echo "slurm-local: $*" >&2; show_logs; stop_daemons >/dev/null; exit 1; }
show_logs() {
  for log in "$dir"/log/*.log; do
    [[ -f $log ]] || continue
    echo "--- last lines of $log" >&2
    tail -n 20 "$log" >&2
  done
}

# The pid in $dir/run/<daemon>.pid, if that process is alive and still that daemon (a stale file's pid may have
# been given to another process since).
alive() {
  local pid
  [[ -f $dir/run/$1.pid ]] && pid=$(<"$dir/run/$1.pid") && [[ $pid =~ ^[0-9]+$ ]] \
    && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$1" ]] && echo "$pid"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_packages() {
  local missing=()
  for cmd in munged slurmctld slurmd sbatch; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
  ((${#missing[@]} == 0)) && return
  command -v apt-get >/dev/null || cannot "${missing[*]} missing and no apt-get to install slurm-wlm and munge"
  echo "slurm-local: installing slurm-wlm and munge (missing: ${missing[*]})"
  # A fresh machine may have no package lists yet.
  if ! apt-cache show slurm-wlm >/dev/null 2>&1; then
    apt-get update -qq || cannot "apt-get update failed"
  fi
  # The packages' own service starts would run daemons with the system-wide config, beside ours: deny them for the
  # install, unless the machine already has a policy of its own.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >"$dir/install.log" 2>&1 || status=$?
  ((own_policy)) && rm -f "$policy"
  ((status == 0)) || { tail -n 20 "$dir/install.log" >&2; cannot "apt-get install slurm-wlm munge failed (exit $status)"; }
}

write_config() {
  # slurmd -C describes this host as slurmd will see it (CPUs, sockets, cores, threads, memory): a node configured
  # with more than that is drained, and one configured with a different layout is reconfigured with a warning.
  local hardware
  hardware=$(slurmd -C 2>/dev/null | grep -o ' CPUs=.*RealMemory=[0-9]*' || true)
  if [[ -z $hardware ]]; then
    hardware=" CPUs=$(nproc) RealMemory=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024))"
  fi
  local cpus=${hardware#* CPUs=} memory=${hardware#* RealMemory=}
  cpus=${cpus%% *}
  cat >"$conf" <<EOF
# Written by experiments/jobs/slurm-local.sh: one node, this host, no cgroups, no accounting.
ClusterName=harness-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state/slurmctld
SlurmdSpoolDir=$dir/state/slurmd
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that asks for no memory gets its CPUs' share, not the whole node (Slurm's default).
DefMemPerCPU=$((memory / cpus))
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$node NodeAddr=127.0.0.1$hardware State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  # Readable by all, as /run/munge is: every user's sbatch talks to the socket; the key itself is root's alone.
  install -d -m 0755 "$dir/munge"
  if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$dir/munge/munge.key" --force
  else
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 0400 "$dir/munge/munge.key"
  munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" --force \
    || fail "munged did not start"
}

node_state() { SLURM_CONF=$conf sinfo -h -N -n "$node" -o %t 2>/dev/null | head -n 1 || true; }

start() {
  [[ $(id -u) == 0 ]] || cannot "needs root (the packages, and slurmd starts jobs as their users); run it with sudo"
  if [[ -n $(alive slurmctld) ]]; then
    echo "slurm-local: already running from $dir"
    status
    return
  fi
  for port in "$ctld_port" "$slurmd_port"; do
    listening "$port" && cannot "port $port is taken (another Slurm?); set HARNESS_SLURM_PORT to another port"
  done
  mkdir -p "$dir"
  chmod 0755 "$dir"
  install_packages
  rm -rf "$dir/state" "$dir/log" "$dir/run"
  mkdir -p "$dir/state/slurmctld" "$dir/state/slurmd" "$dir/log" "$dir/run"
  write_config
  start_munge
  export SLURM_CONF=$conf
  # -i: forget jobs and node states a previous cluster in this folder left behind.
  slurmctld -i || fail "slurmctld did not start"
  slurmd -N "$node" || fail "slurmd did not start"
  local state=""
  for _ in $(seq 60); do
    state=$(node_state)
    [[ $state == idle ]] && break
    sleep 1
  done
  [[ $state == idle ]] || fail "node $node is '${state:-unknown}' after 60 s, not idle"
  echo "slurm-local: node $node is idle; for sbatch, squeue and sinfo:"
  echo "export SLURM_CONF=$conf"
}

stop_daemons() {
  if [[ -n $(alive slurmctld) ]]; then
    # Every job, whoever submitted it: the cluster is this folder's alone.
    local jobs
    jobs=$(SLURM_CONF=$conf squeue -h -o %F 2>/dev/null | sort -u || true)
    [[ -n $jobs ]] && { SLURM_CONF=$conf scancel --quiet $jobs 2>/dev/null || true; }
    # Give cancelled jobs the time slurmd needs to end their processes before slurmd itself goes.
    for _ in $(seq 15); do
      [[ -z $(SLURM_CONF=$conf squeue -h -o %i 2>/dev/null) ]] && break
      sleep 1
    done
  fi
  local stopped=()
  for daemon in slurmd slurmctld munged; do
    local pid
    pid=$(alive "$daemon") || continue
    kill "$pid"
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    stopped+=("$daemon")
  done
  echo "${stopped[*]:-nothing}"
}

stop() {
  local stopped
  stopped=$(stop_daemons)
  # Only what start made: HARNESS_SLURM_DIR may name a folder that holds other things too.
  rm -rf "$dir"/{state,log,run,munge} "$dir"/{slurm.conf,install.log}
  rmdir "$dir" 2>/dev/null || true
  echo "slurm-local: stopped $stopped; cleaned $dir"
}

status() {
  local down=0
  for daemon in munged slurmctld slurmd; do
    local pid
    if pid=$(alive "$daemon"); then echo "$daemon: running (pid $pid)"; else echo "$daemon: not running"; down=1; fi
  done
  ((down)) && return 1
  SLURM_CONF=$conf sinfo
  echo "export SLURM_CONF=$conf"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
