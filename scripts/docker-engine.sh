#!/usr/bin/env bash
# Starts and stops a Docker engine for the container tests, leaving the machine as it was found.
#
#   scripts/docker-engine.sh start   # exit 0: an engine answers (already running, or started here)
#                                    # exit 3: no engine can be started (not root, no dockerd and no apt-get, ...)
#   scripts/docker-engine.sh stop    # stops only the dockerd that `start` started (by its PID) and restores
#                                    # the iptables rules, the FORWARD policy and net.ipv4.ip_forward
#   scripts/docker-engine.sh status
#
# When no engine answers and the script runs as root, it installs Debian's docker.io with apt-get if dockerd is
# missing (about 35 s), then starts dockerd in the background. dockerd sets the iptables FORWARD policy to DROP,
# turns on IP forwarding and adds its own chains and the docker0 bridge: `start` saves the state before, `stop`
# puts it back.
# State (PID, saved rules, log) lives in RINGMEM_DOCKER_STATE (default /tmp/ringmem-docker-engine).
set -uo pipefail

state="${RINGMEM_DOCKER_STATE:-/tmp/ringmem-docker-engine}"
log() { echo "docker-engine: $*" >&2; }

engine_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

start() {
  if engine_answers; then
    log "an engine is already running: using it (it will not be stopped)"
    return 0
  fi
  if [ -f "$state/dockerd.pid" ] && kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null; then
    log "dockerd $(cat "$state/dockerd.pid") (started earlier) does not answer; stop it first"
    return 3
  fi
  if [ "$(id -u)" != 0 ]; then
    log "no Docker engine answers and this is not root: cannot start one"
    return 3
  fi
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v iptables >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
      log "dockerd is not installed and there is no apt-get to install it"
      return 3
    fi
    log "installing docker.io with apt-get"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io iptables; } \
        >/tmp/ringmem-docker-install.log 2>&1; then
      log "apt-get install docker.io failed (see /tmp/ringmem-docker-install.log)"
      return 3
    fi
  fi
  mkdir -p "$state"
  # What dockerd changes: saved before it starts, restored by `stop`
  cat /proc/sys/net/ipv4/ip_forward >"$state/ip_forward"
  iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }' >"$state/forward_policy"
  iptables-save >"$state/iptables.rules" 2>/dev/null || true
  if ip link show docker0 >/dev/null 2>&1; then echo yes >"$state/had_docker0"; else echo no >"$state/had_docker0"; fi
  dockerd --pidfile "$state/dockerd.pidfile" --data-root "${RINGMEM_DOCKER_DATA_ROOT:-/var/lib/docker}" \
      >"$state/dockerd.log" 2>&1 &
  echo $! >"$state/dockerd.pid"
  log "started dockerd (PID $(cat "$state/dockerd.pid"), log $state/dockerd.log)"
  for _ in $(seq 1 60); do
    if engine_answers; then
      log "engine ready"
      return 0
    fi
    if ! kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  log "dockerd did not become ready; last log lines:"
  tail -20 "$state/dockerd.log" >&2
  stop
  return 3
}

stop() {
  if [ ! -f "$state/dockerd.pid" ]; then
    log "no dockerd was started by this script: nothing to stop"
    return 0
  fi
  pid="$(cat "$state/dockerd.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "dockerd $pid did not stop within 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null
      sleep 1
    fi
    log "stopped dockerd $pid"
  fi
  # Restore what dockerd changed
  # Tables in the saved dump get their saved rules back; tables dockerd filled that were empty before are emptied
  if grep -q '^\*' "$state/iptables.rules" 2>/dev/null; then
    iptables-restore <"$state/iptables.rules" || log "iptables-restore failed"
  fi
  for t in filter nat; do
    if ! grep -q "^\*$t\$" "$state/iptables.rules" 2>/dev/null; then
      iptables -t "$t" -F 2>/dev/null; iptables -t "$t" -X 2>/dev/null
    fi
  done
  if [ -s "$state/forward_policy" ]; then
    iptables -P FORWARD "$(cat "$state/forward_policy")" || log "could not restore the FORWARD policy"
  fi
  if [ -s "$state/ip_forward" ]; then
    cat "$state/ip_forward" >/proc/sys/net/ipv4/ip_forward || log "could not restore ip_forward"
  fi
  if [ "$(cat "$state/had_docker0" 2>/dev/null)" = no ] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 2>/dev/null || true
  fi
  log "restored: FORWARD policy $(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }'), ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
  rm -f "$state/dockerd.pid" "$state/dockerd.pidfile"
  return 0
}

status() {
  if engine_answers; then echo "engine answers"; else echo "no engine"; fi
  [ -f "$state/dockerd.pid" ] && echo "started here: PID $(cat "$state/dockerd.pid")"
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
