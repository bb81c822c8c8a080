#!/bin/sh
# agentgate-hook EVENT [TYPE]: Claude Code runs this for each hook event (see managed-settings.json); it
# posts the event, with the hook's JSON from stdin, to the supervisor that started this agent. curl costs
# about 8 ms where starting node costs about 70. It never fails or blocks Claude: no supervisor (claude run
# by hand), a slow one (2 s at most) or an error all end with exit 0.
# PermissionRequest is the exception: the supervisor holds it as a pending decision (at most
# AGENTGATE_DECISION_WAIT_MS, under the hook's 3600 s timeout) and answers with Claude's decision JSON, which
# is printed for Claude; no answer (204), an error (-f) or no supervisor prints nothing: the dialog decides.
[ -n "${AGENTGATE_HOOK_URL:-}" ] || exit 0
if [ "$1" = PermissionRequest ]; then
  curl -s -f -m 3590 -H 'content-type: application/json' -H "x-agentgate-token: ${AGENTGATE_HOOK_TOKEN:-}" \
    --data-binary @- "${AGENTGATE_HOOK_URL}?event=$1&type=${2:-}" 2>/dev/null || true
  exit 0
fi
curl -s -m 2 -o /dev/null -H 'content-type: application/json' -H "x-agentgate-token: ${AGENTGATE_HOOK_TOKEN:-}" \
  --data-binary @- "${AGENTGATE_HOOK_URL}?event=$1&type=${2:-}" 2>/dev/null || true
exit 0
