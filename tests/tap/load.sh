#!/bin/bash
# Load resource descriptors (folders holding q.rd and its CSVs) into the running DaCHS:
#   load.sh DIR [DIR ...]   (each DIR's name becomes /var/gavo/inputs/<name>)
set -euo pipefail
for d in "$@"; do
  name=$(basename "$d")
  rm -rf "/var/gavo/inputs/$name"; cp -r "$d" "/var/gavo/inputs/$name"
  chown -R dachsroot:gavo "/var/gavo/inputs/$name"
  (cd "/var/gavo/inputs/$name" && su dachsroot -c "dachs imp q" >/dev/null)
done
