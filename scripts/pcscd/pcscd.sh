#!/usr/bin/env bash
# The project's one way to get a pcscd that serves vsmartcard's vpcd readers
# ("Virtual PCD 00 00" on TCP 35963, "Virtual PCD 00 01" on 35964), shared by
# tests, benchmarks and users. See emulator/vpcd/README.md and DOMAIN.md
# "PC/SC plumbing on Debian 12".
#
#   scripts/pcscd/pcscd.sh start [--apdu] [--lease ID]
#   scripts/pcscd/pcscd.sh stop [--lease ID] [--force]
#   scripts/pcscd/pcscd.sh status
#
# start  reuses a running pcscd that lists vpcd's readers (a machine has one
#        pcscd: its socket is always /run/pcscd/pcscd.comm), else removes
#        stale pid/socket files, builds the TCP_NODELAY shim (nodelay.c) if
#        needed and starts `pcscd --foreground --debug [--apdu]` in the
#        background with LD_PRELOAD=<shim> and `ulimit -n 1024`, logging to
#        $BIFENTE_PCSCD_LOG, and waits until the readers are listed.
# stop   drops the lease ID (a live process id: tests pass their own), then
#        stops pcscd only if this script started it and no live lease is
#        left (--force: whatever the leases say).
# status prints what runs, who started it, whether the shim is loaded.
#
# Environment: BIFENTE_CACHE_DIR (default <repo>/.bifente: the shim, the
# marker, the leases, the log), BIFENTE_PCSCD_LOG (default
# $BIFENTE_CACHE_DIR/pcscd.log), BIFENTE_PCSCD_TIMEOUT (seconds to wait for
# readiness or exit, default 10). Exit codes: 0 done, 1 failed, 2 usage,
# 3 a required program is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${BIFENTE_CACHE_DIR:-$repo/.bifente}
log=${BIFENTE_PCSCD_LOG:-$cache/pcscd.log}
timeout=${BIFENTE_PCSCD_TIMEOUT:-10}
run_dir=/run/pcscd
pid_file=$run_dir/pcscd.pid
comm=$run_dir/pcscd.comm
shim_src=$here/nodelay.c
shim=$cache/nodelay.so
marker=$cache/pcscd.started
leases=$cache/pcscd.leases
vpcd_driver=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
reader=${BIFENTE_VPCD_READER:-Virtual PCD}

say() { printf 'pcscd.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
missing() { say "$1 is missing: install the Debian package(s) $2 (apt-get install --no-install-recommends $2)"; exit 3; }
usage() { sed -n '7,9p' "$0" | sed 's/^# *//' >&2; exit 2; }

# Whether a process runs; a zombie (killed, not yet reaped) does not.
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 0
  [ "$state" != Z ]
}

# The pid recorded in pcscd's pid file, if that process is alive.
live_pid() {
  local pid
  [ -r "$pid_file" ] || return 1
  pid=$(tr -dc '0-9' <"$pid_file")
  [ -n "$pid" ] && alive "$pid" && printf '%s\n' "$pid"
}

# The PC/SC readers as a client sees them, one a line.
list_readers() {
  if command -v pcsc_scan >/dev/null; then
    pcsc_scan -r 2>/dev/null || true
  elif command -v opensc-tool >/dev/null; then
    opensc-tool -l 2>/dev/null || true
  else
    missing "pcsc_scan (or opensc-tool)" "pcsc-tools"
  fi
}

serves_vpcd() { list_readers | grep -q "$reader"; }

shim_loaded() { grep -q "$shim" "/proc/$1/maps" 2>/dev/null; }

require_tools() {
  command -v pcscd >/dev/null || [ -x /usr/sbin/pcscd ] || missing pcscd "pcscd libpcsclite-dev"
  [ -f "$vpcd_driver" ] || missing "vpcd (the pcscd driver $vpcd_driver)" vsmartcard-vpcd
  command -v pcsc_scan >/dev/null || command -v opensc-tool >/dev/null || missing "pcsc_scan" pcsc-tools
}

# Build the shim when it is missing or older than its source.
build_shim() {
  if [ -f "$shim" ] && [ "$shim" -nt "$shim_src" ]; then return 0; fi
  command -v gcc >/dev/null || missing "gcc (to build the TCP_NODELAY shim)" "gcc libc6-dev"
  gcc -Wall -Wextra -shared -fPIC -O2 -o "$shim.tmp" "$shim_src" -ldl || die "could not build $shim from $shim_src"
  mv -f "$shim.tmp" "$shim"
  say "built the TCP_NODELAY shim $shim"
}

# Keep the leases whose process is alive; print how many are left.
prune_leases() {
  local n=0 f
  mkdir -p "$leases"
  for f in "$leases"/*; do
    [ -e "$f" ] || continue
    if alive "$(basename "$f")"; then n=$((n + 1)); else rm -f "$f"; fi
  done
  printf '%s\n' "$n"
}

add_lease() {
  [ -z "$1" ] && return 0
  [[ "$1" =~ ^[0-9]+$ ]] || die "--lease takes a process id, got '$1'"
  mkdir -p "$leases"
  : >"$leases/$1"
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + timeout))
  while [ $SECONDS -lt "$deadline" ]; do
    alive "$pid" || {
      tail -n 5 "$log" >&2 || true
      grep -q FD_SETSIZE "$log" 2>/dev/null && say "pcscd hit its select() limit: it needs 'ulimit -n 1024' (DOMAIN.md)"
      say "pcscd (pid $pid) exited during start-up; its log: $log"
      return 1
    }
    [ -S "$comm" ] && serves_vpcd && return 0
    sleep 0.1
  done
  # Keep this start's log apart: the next start appends to $log, and a CI retry would bury it.
  cp "$log" "${log%.log}-failed-$pid.log" 2>/dev/null || true
  say "pcscd (pid $pid) did not list '$reader' within ${timeout}s; its log: ${log%.log}-failed-$pid.log"
  return 1
}

start() {
  local apdu=$1 lease=$2 pid
  require_tools
  if pid=$(live_pid); then
    serves_vpcd || die "a pcscd (pid $pid) runs but does not list '$reader': install vsmartcard-vpcd and restart that pcscd"
    add_lease "$lease"
    if shim_loaded "$pid"; then say "reusing pcscd (pid $pid)"; else
      say "reusing pcscd (pid $pid) WITHOUT the TCP_NODELAY shim: about 20 APDU/s (restart it through this script for thousands)"
    fi
    return 0
  fi
  if [ -e "$pid_file" ] || [ -e "$comm" ]; then
    say "removing stale $pid_file and $comm (the recorded pcscd is dead)"
    rm -f "$pid_file" "$comm"
  fi
  rm -f "$marker"
  build_shim
  mkdir -p "$(dirname "$log")"
  local flags=(--foreground --debug)
  [ "$apdu" = 1 ] && flags+=(--apdu)
  (
    exec 9>&- # the lock must not outlive this script
    ulimit -n 1024
    export LD_PRELOAD=$shim${LD_PRELOAD:+:$LD_PRELOAD}
    exec setsid pcscd "${flags[@]}" </dev/null >>"$log" 2>&1
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$marker"
  wait_ready "$pid" || { kill -TERM "$pid" 2>/dev/null; rm -f "$marker"; exit 1; }
  add_lease "$lease"
  say "started pcscd (pid $pid, shim loaded: $(shim_loaded "$pid" && echo yes || echo no), log $log)"
}

stop() {
  local lease=$1 force=$2 pid left started
  [ -n "$lease" ] && rm -f "$leases/$lease"
  left=$(prune_leases)
  if [ "$force" = 0 ] && [ "$left" -gt 0 ]; then say "leaving pcscd running: $left live lease(s)"; return 0; fi
  [ -f "$marker" ] || { say "pcscd was not started by this script: leaving it alone"; return 0; }
  started=$(tr -dc '0-9' <"$marker")
  pid=$(live_pid) || pid=
  if [ -z "$pid" ] || [ "$pid" != "$started" ]; then
    rm -f "$marker"
    say "the pcscd this script started (pid $started) is gone"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + timeout))
  while alive "$pid" && [ $SECONDS -lt "$deadline" ]; do sleep 0.1; done
  if alive "$pid"; then
    say "pcscd (pid $pid) ignored SIGTERM for ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pid_file" "$comm"
  fi
  rm -f "$marker"
  say "stopped pcscd (pid $pid)"
}

status() {
  local pid
  if pid=$(live_pid); then
    echo "pcscd: running (pid $pid)"
    echo "started by this script: $([ "$(tr -dc '0-9' <"$marker" 2>/dev/null)" = "$pid" ] && echo yes || echo no)"
    echo "TCP_NODELAY shim loaded: $(shim_loaded "$pid" && echo yes || echo no)"
    echo "serves '$reader': $(serves_vpcd && echo yes || echo no)"
    echo "live leases: $(prune_leases)"
    echo "log: $log"
  else
    echo "pcscd: not running$([ -e "$pid_file" ] && echo ' (stale pid file)')"
    return 1
  fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
apdu=0 lease='' force=0
while [ $# -gt 0 ]; do
  case $1 in
    --apdu) apdu=1 ;;
    --force) force=1 ;;
    --lease) [ $# -ge 2 ] || usage; lease=$2; shift ;;
    *) usage ;;
  esac
  shift
done

mkdir -p "$cache"
case $cmd in
  start | stop)
    # One start or stop at a time across processes (ava runs test files in parallel).
    exec 9>"$cache/pcscd.lock"
    if command -v flock >/dev/null; then flock -w "$timeout" 9 || die "another pcscd.sh start/stop held $cache/pcscd.lock for ${timeout}s"; fi
    if [ "$cmd" = start ]; then start "$apdu" "$lease"; else stop "$lease" "$force"; fi
    ;;
  status) status ;;
  *) usage ;;
esac
