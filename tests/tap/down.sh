#!/bin/bash
# Stop what up.sh started, by pid (never pkill).
set -u
STATE=${TAP_STATE:-/tmp/agnlc-tap}
[ -f "$STATE/started.env" ] || exit 0
. "$STATE/started.env"
if [ -n "${DACHS_PID:-}" ] && kill -0 "$DACHS_PID" 2>/dev/null; then
  kill -TERM "$DACHS_PID"
  for _ in $(seq 1 50); do kill -0 "$DACHS_PID" 2>/dev/null || break; sleep 0.2; done
fi
if [ "${PG_STARTED_BY_US:-0}" = 1 ]; then
  pg_ctlcluster "$PGVER" main stop
fi
rm -f "$STATE/started.env"
