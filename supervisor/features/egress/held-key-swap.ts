import type { IncomingHttpHeaders } from 'node:http';
import type { HeldApiKey } from '../../agents/held-api-keys.js';

/** One of the other agents' keys as the proxy holds it: where it goes, and its value (null when not given). */
export interface HeldKeyRoute {
  key: HeldApiKey;
  upstream: URL;
  value: string | null;
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
  const { header, placeholder } = route.key;
  const name = header === 'bearer' ? 'authorization' : header;
  const expected = header === 'bearer' ? `Bearer ${placeholder}` : placeholder;
  if (headers[name] !== expected) return true;
  if (!route.value) return false;
  headers[name] = header === 'bearer' ? `Bearer ${route.value}` : route.value;
  return true;
}

/** Whether the request carries this route's placeholder (so the log names the key that went in). */
export function carriesPlaceholder(headers: IncomingHttpHeaders, key: HeldApiKey): boolean {
  return key.header === 'bearer' ? headers.authorization === `Bearer ${key.placeholder}` : headers[key.header] === key.placeholder;
}
