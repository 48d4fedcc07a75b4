#!/bin/bash
# Bring up a local GAVO DaCHS TAP service on 127.0.0.1:$TAP_PORT (default 8080) for the tests
# (Debian 12, root, no systemd). Records only what it started in $TAP_STATE/started.env so
# down.sh stops exactly that, by pid. A measured recipe for a local GAVO DaCHS TAP service.
set -euo pipefail
PORT=${TAP_PORT:-8080}
STATE=${TAP_STATE:-/tmp/agnlc-tap}
mkdir -p "$STATE"
: > "$STATE/started.env"
export DEBIAN_FRONTEND=noninteractive
APT="apt-get -o DPkg::Lock::Timeout=900 -q"
if curl -sf -o /dev/null "http://127.0.0.1:$PORT/tap/capabilities"; then
  echo "a TAP service already answers on 127.0.0.1:$PORT; reusing it"
  exit 0
fi
if ! command -v dachs >/dev/null || ! command -v pg_ctlcluster >/dev/null; then
  $APT update >/dev/null
  $APT install -y postgresql curl >/dev/null
fi
PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_ctlcluster "$PGVER" main status >/dev/null 2>&1; then
  pg_ctlcluster "$PGVER" main start   # must run before gavodachs2-server is configured
  printf 'PG_STARTED_BY_US=1\nPGVER=%s\n' "$PGVER" >> "$STATE/started.env"
fi
cat > /etc/gavo.rc <<RC
[general]
rootDir: /var/gavo

[web]
bindAddress: 127.0.0.1
serverPort: $PORT
serverURL: http://127.0.0.1:$PORT
sitename: agnlc test TAP
RC
if ! command -v dachs >/dev/null; then
  $APT install -y gavodachs2-server >/dev/null
fi
nohup dachs serve start -f >> "$STATE/dachs-serve.log" 2>&1 &
DPID=$!
echo "DACHS_PID=$DPID" >> "$STATE/started.env"
for _ in $(seq 1 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/tap/capabilities" && break
  kill -0 "$DPID" 2>/dev/null || { echo "DaCHS died:"; tail -20 "$STATE/dachs-serve.log"; exit 1; }
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/tap/capabilities"
echo "TAP up on 127.0.0.1:$PORT"
