#!/bin/sh
# agentgate: the supervisor's command on PATH (`agentgate status`, `agentgate attach`, ...) and the image's
# entrypoint behind tini. The build replaces @NODE_FLAGS@ with what this base's Node supports:
# --disable-sigusr1 (Node >= 22.14) keeps SIGUSR1 from opening Node's inspector, and --lite-mode.
# SIGUSR1 is ignored until node runs: its default action would end this shell, and node (with that flag, and
# the bundle's own listener) never opens the inspector on it.
trap '' USR1
exec node @NODE_FLAGS@ /opt/agentgate/supervisor.cjs "$@"
