#!/bin/sh
# agentgate-probe [--live | --report | --sample]: the probe command of Docker's HEALTHCHECK, compose, the stack and the chart.
# It gives the answers and exit codes of `agentgate health [--live]` (0 healthy, 1 not, one line saying why) at
# curl's cost: starting node for every probe takes about 60 ms and 50 MiB, counted against the agent's own memory
# limit. --report (the image's HEALTHCHECK) adds two lines after the answer, `report {...}` (the supervisor's
# digest) and `memory <bytes used> <inactive file bytes>` (the container's cgroup): Docker keeps them in its health
# log, where `agentgate ls` reads every agent with no exec into any of them. --sample prints the whole health report
# (JSON) and the memory line instead: the board's one exec into an agent (`ls --live` runs --report).
# The supervisor writes the URL it serves health on to $TMUX_TMPDIR/agentgate/health-url (it moves off a busy
# port under host networking); without that file the probe uses AGENTGATE_HEALTH_HOST and AGENTGATE_HEALTH_PORT.
path=/readyz
query=
accept=text/plain
case "${1:-}" in
  --live) path=/livez ;;
  --report) query='?report=1' ;;
  --sample) accept=application/json ;;
  '') ;;
  *) echo "usage: agentgate-probe [--live | --report | --sample]" >&2; exit 2 ;;
esac

url=
file="${TMUX_TMPDIR:-/tmp}/agentgate/health-url"
[ -r "$file" ] && read -r url < "$file"
case "$url" in http://*/* | *[[:space:]]*) url= ;; http://?*) ;; *) url= ;; esac
if [ -z "$url" ]; then
  # As `agentgate health`: a setting that is not valid falls back to its default.
  host="${AGENTGATE_HEALTH_HOST:-127.0.0.1}"
  port="${AGENTGATE_HEALTH_PORT:-7433}"
  case "$host" in
    *[[:space:]]*) host=127.0.0.1 ;;
    0.0.0.0 | :: | '[::]') host=127.0.0.1 ;;
    \[*) ;;
    *:*) host="[$host]" ;;
  esac
  case "$port" in '' | *[!0-9]*) port=7433 ;; esac
  if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then port=7433; fi
  url="http://$host:$port"
fi
where="${url#http://}"

# Asking for text/plain, /readyz answers with the very line `agentgate health` prints (the server formats it).
out=$(curl -s -m 1.8 -H "accept: $accept" -w '\n%{http_code}' "$url$path$query")
rc=$?
if [ "$rc" -ne 0 ]; then
  case "$rc" in
    7) why=ECONNREFUSED ;;
    28) why='no answer within 1800 ms' ;;
    *) why="curl exit code $rc" ;;
  esac
  echo "unhealthy: supervisor not answering on $where ($why)"
  exit 1
fi
status="${out##*
}"
body="${out%
*}"
body="${body%
}"
if [ "$path" = /livez ]; then
  if [ "$status" = 200 ]; then echo "alive: supervisor answers on $where"; exit 0; fi
  echo "not alive: $where answered $status"
  exit 1
fi
case "$accept $body" in
  'text/plain healthy: '* | 'text/plain unhealthy: '* | 'application/json {'*) printf '%s\n' "$body" ;;
  *) echo "unhealthy: $where answered $status without a health report"; exit 1 ;;
esac
if [ -n "$query" ] || [ "$accept" = application/json ]; then
  # What `docker stats` shows: usage without the inactive page cache, cgroup v2 or v1; shell builtins only.
  m=/sys/fs/cgroup; u=; i=0; k=inactive_file; s=
  if [ -r $m/memory.current ]; then read -r u < $m/memory.current; s=$m/memory.stat
  elif [ -r $m/memory/memory.usage_in_bytes ]; then read -r u < $m/memory/memory.usage_in_bytes; s=$m/memory/memory.stat; k=total_inactive_file; fi
  if [ -n "$u" ] && [ -r "$s" ]; then
    while read -r n v; do [ "$n" = "$k" ] && i=$v; done < "$s"
    echo "memory $u $i"
  fi
fi
[ "$status" = 200 ]
