#!/bin/sh
# Writes /usr/local/bin/agentgate from agentgate.sh with the Node flags this base's Node accepts.
# Usage: install-entrypoint.sh agentgate.sh /usr/local/bin/agentgate
set -eu
flags=""
for flag in --disable-sigusr1 --lite-mode; do
  if node "$flag" -e 0 >/dev/null 2>&1; then flags="$flags $flag"; fi
done
case "$flags" in
  *--disable-sigusr1*) ;;
  *) echo "install-entrypoint: this Node lacks --disable-sigusr1; the supervisor's own SIGUSR1 listener keeps the inspector shut" >&2 ;;
esac
sed "s|@NODE_FLAGS@|${flags# }|" "$1" > "$2"
chmod 0755 "$2"
