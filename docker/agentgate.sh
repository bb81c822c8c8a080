#!/bin/sh
# agentgate: the supervisor's command on PATH (`agentgate status`, `agentgate attach`, ...) and the image's
# entrypoint behind tini. The build replaces @NODE_FLAGS@ (see install-entrypoint.sh): an inspector address
# that cannot be bound, so SIGUSR1 never opens Node's inspector, and --lite-mode where Node has it.
# start.cjs loads the bundle (supervisor.cjs) with Node's compile cache on.
# SIGUSR1 is ignored until node runs: its default action would end this shell.
trap '' USR1
exec node @NODE_FLAGS@ /opt/agentgate/start.cjs "$@"
