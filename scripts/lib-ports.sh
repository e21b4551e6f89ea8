#!/usr/bin/env bash
# Port helpers for service scripts. Source it: `. "$(dirname "$0")/lib-ports.sh"`.

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the first port P >= $1 such that P..P+$2-1 are free, and so are the same ports
# shifted by $3 (0 to skip; Redis Cluster's bus uses port+10000). Fails after $4 candidates.
find_free_port_run() {
  local start=$1 count=$2 shift=${3:-0} tries=${4:-200} p i busy
  for ((p = start; p < start + tries; p++)); do
    busy=0
    for ((i = 0; i < count; i++)); do
      if port_in_use $((p + i)) || { ((shift > 0)) && port_in_use $((p + i + shift)); }; then
        busy=1
        break
      fi
    done
    if ((busy == 0)); then
      echo "$p"
      return 0
    fi
  done
  return 1
}
