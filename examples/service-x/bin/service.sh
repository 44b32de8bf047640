#!/usr/bin/env bash
# bin/service.sh start|stop|restart|status: runs service-x in the background from the
# release folder this script sits in. The release action's hooks call it with TARGET_ROOT
# set; what a hook that succeeds leaves running keeps running after the deploy (docs/formats.md,
# "Services started by hooks"). The port and the region come from shared/service.env,
# written by the infrastructure step.
set -euo pipefail
release_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${TARGET_ROOT:-$(cd "$release_dir/../.." && pwd)}"
env_file="$root/shared/service.env"
pid_file="$root/shared/service.pid"
log_file="$root/shared/service.log"

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(<"$pid_file")"
  # The pid must still be a service-x server, not a process that reused the number.
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q 'server.js' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "stopped service-x (pid $pid)"
  fi
  rm -f "$pid_file"
}

start() {
  [[ -f "$env_file" ]] || { echo "no $env_file: run the infrastructure step for this region first" >&2; exit 1; }
  set -a; source "$env_file"; set +a
  cd "$release_dir"
  nohup node server.js >>"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  # Return once it listens, so that a port already taken fails the hook (and the deploy).
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      echo "started service-x $(basename "$release_dir") for $SERVICE_REGION on http://127.0.0.1:$PORT (pid $pid, log $log_file)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "service-x did not start listening on port $PORT; the end of $log_file:" >&2
  tail -n 20 "$log_file" >&2
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if pid="$(running_pid)"; then echo "running (pid $pid)"; else echo "not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 64 ;;
esac
