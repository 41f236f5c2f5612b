#!/usr/bin/env bash
# Starts a one-node Slurm on this machine (munge, slurmctld, slurmd; no systemd), for the Slurm tests and for
# trying `orion hunt --executor slurm` locally. Idempotent: running it again with everything up changes nothing.
#
#   scripts/services/slurm.sh          install what is missing (as root, from Debian's packages), configure, start,
#                                      and wait until `sinfo` shows the node idle
#   scripts/services/slurm.sh stop     stop slurmd, slurmctld and munged (the ones this script started)
#
# Prints `slurm: up` on success; exits 1 with the reason otherwise (the tests then skip, saying why).
set -euo pipefail

run_dir=/run/orion-slurm
conf=/etc/slurm/slurm.conf

stop() {
    for name in slurmd slurmctld munged; do
        if [ -f "$run_dir/$name.pid" ]; then
            pid=$(cat "$run_dir/$name.pid")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            rm -f "$run_dir/$name.pid"
        fi
    done
    echo "slurm: stopped"
}

fail() {
    echo "slurm: $*" >&2
    exit 1
}

if [ "${1:-}" = stop ]; then
    stop
    exit 0
fi

# Already up: nothing to do.
if command -v sinfo >/dev/null 2>&1 && sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "slurm: up"
    exit 0
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null; then
    [ "$(id -u)" = 0 ] || fail "slurmctld, slurmd and munge are not installed, and installing them needs root"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq slurmctld slurmd munge >/dev/null ||
        fail "apt-get install slurmctld slurmd munge failed"
fi
[ "$(id -u)" = 0 ] || fail "starting munged, slurmctld and slurmd needs root"
mkdir -p "$run_dir"

# munge: a key, its directories, the daemon.
mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key /var/log/munge /var/lib/munge /run/munge
chmod 400 /etc/munge/munge.key
chmod 755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    rm -f /run/munge/munge.socket.2*
    su -s /bin/sh munge -c munged || fail "munged did not start (see /var/log/munge/munged.log)"
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n | unmunge >/dev/null 2>&1 || fail "munge does not answer (see /var/log/munge/munged.log)"
    pgrep -u munge -x munged | head -1 >"$run_dir/munged.pid"
fi

# slurm.conf: one node (this machine), one partition.
host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat >"$conf.new" <<EOF
# Written by swift-orion's scripts/services/slurm.sh: a one-node Slurm for tests.
ClusterName=orion
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MessageTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$run_dir/slurmctld.pid
SlurmdPidFile=$run_dir/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
if ! cmp -s "$conf.new" "$conf"; then
    mv "$conf.new" "$conf"
    # A new configuration: restart the daemons so that they read it.
    for name in slurmd slurmctld; do
        if [ -f "$run_dir/$name.pid" ]; then kill "$(cat "$run_dir/$name.pid")" 2>/dev/null || true; fi
    done
    sleep 1
else
    rm -f "$conf.new"
fi

running() { [ -f "$run_dir/$1.pid" ] && kill -0 "$(cat "$run_dir/$1.pid")" 2>/dev/null; }
running slurmctld || slurmctld || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
running slurmd || slurmd || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"

for _ in $(seq 150); do
    state=$(sinfo -h -o '%t' 2>/dev/null | head -1 || true)
    case "$state" in
        idle | mix | alloc) echo "slurm: up"; exit 0 ;;
        down* | drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
done
fail "the node did not become idle in 30 s (sinfo: ${state:-no answer}; see /var/log/slurm/)"
