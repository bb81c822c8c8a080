#!/bin/sh
# Builds the V8 startup snapshot of the supervisor (supervisor.blob beside supervisor.cjs) with this image's own
# node and the entrypoint's flags, so that each start deserializes the bundle's state after import instead of
# compiling and running its top level (about 70 ms of each `agentgate` start). The entrypoint uses the blob when it
# is there (docker/agentgate.sh); without one it starts the bundle itself, so a Node that cannot build or run the
# snapshot still gives a working image, only slower to start.
# Usage: build-snapshot.sh /opt/agentgate /usr/local/bin/agentgate
set -eu
dir=$1
entry=$2
blob=$dir/supervisor.blob
flags=$(sed -n 's|^exec node \(.*\) /opt/agentgate/start.cjs .*|\1|p' "$entry")
# Builtins Node has not verified in a snapshot that the bundle's dependencies load at import (each checked to keep
# no run-time state: docs/reference.md, "Start-up"). Any other one fails the build: keep it out of the top level.
audited='child_process tty worker_threads module'
cd "$dir"
# Without V8's code cache of the functions compiled while building: node holds the whole blob in its own memory for
# as long as it runs, and that cache doubled the blob (8.5 MB against 3.9) for no measurable gain in start time.
config=$(mktemp)
printf '{"builder":"%s","withoutCodeCache":true}\n' "$dir/supervisor.cjs" > "$config"
# shellcheck disable=SC2086 # the flags are words
if ! node $flags --snapshot-blob "$blob" --build-snapshot-config "$config" 2>"$config.log"; then
  echo "build-snapshot: this node cannot build the supervisor's startup snapshot; the image starts the bundle itself:" >&2
  cat "$config.log" >&2
  rm -f "$blob" "$config" "$config.log"
  exit 0
fi
unaudited=$(sed -n 's/.*whether built-in module "\(node:\)\{0,1\}\([^"]*\)" works in user snapshot.*/\2/p' "$config.log" \
  | while read -r name; do case " $audited " in *" $name "*) ;; *) echo "$name" ;; esac; done)
rm -f "$config" "$config.log"
if [ -n "$unaudited" ]; then
  echo "build-snapshot: the supervisor bundle loads builtins at import that a snapshot may not keep: $unaudited" >&2
  echo "(load them on first use: LAZY_BUILTINS in scripts/build.mjs)" >&2
  exit 1
fi
# The blob must answer as the bundle does; a blob this node refuses is left out.
# shellcheck disable=SC2086
if [ "$(node $flags --snapshot-blob "$blob" -- version 2>&1)" != "$(node $flags "$dir/supervisor.cjs" version 2>&1)" ]; then
  echo "build-snapshot: this node does not start from the snapshot it built; the image starts the bundle itself" >&2
  rm -f "$blob"
fi
chmod 0644 "$blob" 2>/dev/null || true
