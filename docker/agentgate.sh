#!/bin/sh
# agentgate: the supervisor's command on PATH (`agentgate status`, `agentgate attach`, ...) and the image's
# entrypoint behind tini. The build replaces @NODE_FLAGS@ (see install-entrypoint.sh): an inspector address
# that cannot be bound, so SIGUSR1 never opens Node's inspector, and --lite-mode where Node has it; and @NODE@,
# the path of the image's node.
# supervisor.blob is the V8 startup snapshot of the bundle that this node made at image build (build-snapshot.sh):
# used unless it is missing, empty or older than node (another node's blob, which node would refuse), or NODE_OPTIONS
# is set (V8 flags other than the build's make Node 20 and 22 refuse a blob, and a refused blob ends node at once), or
# NODE_DEBUG is (a dependency that reads it at import would have read it when the blob was built).
# Without it, start.cjs loads the bundle (supervisor.cjs) with Node's compile cache on.
# SIGUSR1 is ignored until node runs: its default action would end this shell.
trap '' USR1
# glibc's malloc thresholds fixed at their defaults: left dynamic, they rise after start-up's large frees and keep
# that freed memory resident (1.4 MiB of the supervisor's own). The supervisor takes both names out of what its
# children inherit (supervisor/runtime/entry-tuning.ts); a value of the user's own is left alone. musl ignores it.
if [ -z "${MALLOC_MMAP_THRESHOLD_+set}" ]; then
  export MALLOC_MMAP_THRESHOLD_=131072 AGENTGATE_ENTRY_MALLOC=1
fi
# shellcheck disable=SC3013 # -nt: dash (Debian) and busybox ash (Alpine), the bases' /bin/sh, both have it
if [ -z "${NODE_OPTIONS:-}${NODE_DEBUG:-}" ] && [ -s /opt/agentgate/supervisor.blob ] && [ /opt/agentgate/supervisor.blob -nt @NODE@ ]; then
  exec node @NODE_FLAGS@ --snapshot-blob /opt/agentgate/supervisor.blob -- "$@"
fi
exec node @NODE_FLAGS@ /opt/agentgate/start.cjs "$@"
