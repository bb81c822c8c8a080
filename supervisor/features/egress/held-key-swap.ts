import type { IncomingHttpHeaders } from 'node:http';
import { type HeldApiKey, type KeyHeader, keyHeaders } from '../../agents/held-api-keys.js';

/**
 * One of the other agents' keys as the proxy holds it: where it goes (null: a key with no default upstream whose
 * upstream was not given), and its value (null when not given).
 */
export interface HeldKeyRoute {
  key: HeldApiKey;
  upstream: URL | null;
  value: string | null;
}

/** The header's name, and what it holds when it carries `secret` (the placeholder or the real key). */
function headerWith(header: KeyHeader, secret: string): [string, string] {
  return header === 'bearer' ? ['authorization', `Bearer ${secret}`] : [header, secret];
}

/** The route a request's path leads to (`/openai/...`), and the path left for the upstream; null for Claude's. */
export function routeOf(routes: readonly HeldKeyRoute[], url: string): { route: HeldKeyRoute; rest: string } | null {
  for (const route of routes) {
    const prefix = route.key.prefix;
    if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) return { route, rest: url.slice(prefix.length) || '/' };
  }
  return null;
}

/**
 * The swap for one route, pure, on headers already stripped of hop-by-hop ones: this route's placeholder, in this
 * route's header, becomes the real key; nothing else is touched (another agent's placeholder stays a string, a
 * key of the agent's own passes). A placeholder the proxy holds no key for is an error (false).
 */
export function swapHeldKey(headers: Record<string, string | string[]>, route: HeldKeyRoute): boolean {
  for (const header of keyHeaders(route.key)) {
    const [name, expected] = headerWith(header, route.key.placeholder);
    if (headers[name] !== expected) continue;
    if (!route.value) return false;
    headers[name] = headerWith(header, route.value)[1];
  }
  return true;
}

/** Whether the request carries this route's placeholder (so the log names the key that went in). */
export function carriesPlaceholder(headers: IncomingHttpHeaders, key: HeldApiKey): boolean {
  return keyHeaders(key).some((header) => {
    const [name, expected] = headerWith(header, key.placeholder);
    return headers[name] === expected;
  });
}
