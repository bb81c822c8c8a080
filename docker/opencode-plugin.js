// agentgate's OpenCode plugin: OpenCode's own events report the agent's state to the supervisor, as Claude's
// hooks do through agentgate-hook. The supervisor copies it into OpenCode's global plugin dir
// ($XDG_CONFIG_HOME/opencode/plugin, in the state volume) at each start, where a repository's config cannot
// switch it off. It posts the names the supervisor knows: SessionStart once OpenCode is up, UserPromptSubmit
// when a session turns busy, Stop when all are idle again (session.status), PermissionRequest for each
// permission.asked, held until answered (the answer goes back through OpenCode's server API), and PostToolUse once a
// permission was replied to (at the terminal or here). Without AGENTGATE_HOOK_URL (OpenCode run by hand) it does nothing.
const hookUrl = process.env.AGENTGATE_HOOK_URL;
const token = process.env.AGENTGATE_HOOK_TOKEN ?? '';

export const AgentgatePlugin = async ({ client }) => {
  if (!hookUrl) return {};
  const post = (event, body, signal) =>
    fetch(`${hookUrl}?event=${event}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agentgate-token': token }, body: JSON.stringify(body), signal });
  // Never fails or blocks OpenCode: 2 s at most, errors dropped.
  const report = (event, body = {}) => post(event, body, AbortSignal.timeout(2000)).then((r) => r.body?.cancel(), () => {});
  const busy = new Set();
  /** Held permission requests: id -> { body, abort }. */
  const held = new Map();

  const toolCall = (p) => {
    const input = {};
    if (typeof p.metadata?.command === 'string') input.command = p.metadata.command;
    if (Array.isArray(p.patterns) && p.patterns.length > 0) input.pattern = p.patterns.join(', ');
    return { tool_name: typeof p.permission === 'string' ? p.permission : 'unknown', tool_input: input, session_id: p.sessionID };
  };

  // The reply route of OpenCode's server, which takes a deny's message for the model, through the plugin's
  // client (it reaches the in-process server); else the older per-session route, which takes none.
  const replyTo = async (p, reply, message) => {
    const headers = { 'Content-Type': 'application/json' };
    const body = { reply, ...(message ? { message } : {}) };
    const ok = (r) => r && !r.error && (r.response?.ok ?? true);
    const first = await Promise.resolve()
      .then(() => client._client.post({ url: '/permission/{requestID}/reply', path: { requestID: p.id }, body, headers }))
      .catch(() => null);
    if (ok(first)) return;
    await Promise.resolve()
      .then(() => client.postSessionIdPermissionsPermissionId({ path: { id: p.sessionID, permissionID: p.id }, body: { response: reply } }))
      .catch(() => null);
  };

  const ask = async (p) => {
    const body = toolCall(p);
    const abort = new AbortController();
    held.set(p.id, { body, abort });
    try {
      const r = await post('PermissionRequest', body, abort.signal);
      if (r.status !== 200) return void r.body?.cancel();
      const answer = await r.json();
      if (answer?.behavior === 'allow') await replyTo(p, 'once');
      else if (answer?.behavior === 'deny') await replyTo(p, 'reject', answer.message);
    } catch {
      // aborted (answered at the terminal) or no supervisor: the dialog decides
    } finally {
      held.delete(p.id);
    }
  };

  // Up: OpenCode loads its plugins on its terminal UI's first request, and its input takes keys a few seconds
  // later, about when its model catalogue is loaded (catalog.updated, in the pinned version); 10 s at most.
  let up = false;
  const reportUp = (source) => {
    if (up) return;
    up = true;
    clearTimeout(upTimer);
    report('SessionStart', { source });
  };
  const upTimer = setTimeout(() => reportUp('timeout'), 10_000);
  return {
    event: async ({ event }) => {
      const p = event.properties ?? {};
      if (event.type === 'catalog.updated' || event.type === 'reference.updated') reportUp(event.type);
      else if (event.type === 'session.status' && typeof p.sessionID === 'string') {
        const wasBusy = busy.size > 0;
        if (p.status?.type === 'idle') busy.delete(p.sessionID);
        else busy.add(p.sessionID);
        if (!wasBusy && busy.size > 0) report('UserPromptSubmit', { session_id: p.sessionID });
        else if (wasBusy && busy.size === 0) report('Stop', { session_id: p.sessionID });
      } else if (event.type === 'permission.asked' && typeof p.id === 'string') {
        void ask(p);
      } else if (event.type === 'permission.replied') {
        const request = held.get(p.requestID);
        request?.abort.abort();
        report('PostToolUse', request?.body ?? {});
      }
    },
  };
};
