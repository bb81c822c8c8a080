import type { IncomingHttpHeaders } from 'node:http';
import type { HeldApiKey, KeyHeader } from '../../agents/held-api-keys.js';

/**
 * One of the other agents' keys as the proxy holds it: where it goes (null: a key with no default upstream whose
 * upstream was not given), and its value (null when not given).
 */
export interface HeldKeyRoute {
  key: HeldApiKey;
  upstream: URL | null;
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

/** The header a key travels in, and its value there. */
function slot(header: KeyHeader, key: string): { name: string; value: string } {
  return header === 'bearer' ? { name: 'authorization', value: `Bearer ${key}` } : { name: header, value: key };
}

/**
 * The swap for one route, pure, on headers already stripped of hop-by-hop ones: this route's placeholder, in one of
 * this route's headers, becomes the real key; nothing else is touched (another agent's placeholder stays a string,
 * a key of the agent's own passes). A placeholder the proxy holds no key for is an error (false).
 */
export function swapHeldKey(headers: Record<string, string | string[]>, route: HeldKeyRoute): boolean {
  for (const header of route.key.headers) {
    const { name, value } = slot(header, route.key.placeholder);
    if (headers[name] !== value) continue;
    if (!route.value) return false;
    headers[name] = slot(header, route.value).value;
  }
  return true;
}

/** Whether the request carries this route's placeholder (so the log names the key that went in). */
export function carriesPlaceholder(headers: IncomingHttpHeaders, key: HeldApiKey): boolean {
  return key.headers.some((header) => {
    const { name, value } = slot(header, key.placeholder);
    return headers[name] === value;
  });
}
