#!/bin/sh
# Writes /usr/local/bin/agentgate from agentgate.sh with the Node flags for this base's Node and its path.
# Usage: install-entrypoint.sh agentgate.sh /usr/local/bin/agentgate
set -eu
# The inspector's address is one no interface has (192.0.2.1, TEST-NET-1, reserved for documentation): a
# SIGUSR1 that arrives while Node boots, before the bundle's own SIGUSR1 listener exists, makes Node try to
# open its inspector, and binding fails at once, sending nothing anywhere. Node's --disable-sigusr1 would do
# it too, but it leaves SIGUSR1 blocked for good, so the supervisor could no longer forward it.
flags="--inspect-port=192.0.2.1:9229"
if node --lite-mode -e 0 >/dev/null 2>&1; then flags="$flags --lite-mode"; fi
# The entrypoint compares the startup snapshot's age with this node's (agentgate.sh).
sed -e "s|@NODE_FLAGS@|$flags|g" -e "s|@NODE@|$(command -v node)|g" "$1" > "$2"
chmod 0755 "$2"
