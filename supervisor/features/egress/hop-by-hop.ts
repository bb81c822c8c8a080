import type { IncomingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection, never forwarded by the credential endpoint in
 * either direction; `host` is set for the upstream by the endpoint itself.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

export const isHopByHop = (name: string): boolean => HOP_BY_HOP.has(name.toLowerCase());

/** The headers a request or an answer passes on: the end-to-end ones. */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !isHopByHop(name)) out[name] = value;
  return out;
}

/** What the agent is told when the proxy cannot carry its request (what it lacks): the same for a request and an upgrade. */
export const missingCredentialMessage = (missing: string): string => `agentgate egress proxy: ${missing}`;
