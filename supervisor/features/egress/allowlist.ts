import { DEFAULT_AGENT_EGRESS } from '../../agents/egress-defaults.js';
import { isIP } from 'node:net';

/**
 * The egress allowlist: which destinations the proxy lets the agent reach. Pure, so that every rule and every
 * address class is unit-tested. Entries are host names (`api.example.com`), wildcards (`*.example.com`:
 * the subdomains, not the name itself) or IP addresses, each with an optional port (`host:8443`, `[::1]:8080`);
 * separated by commas, spaces or lines; `#` starts a comment.
 */
export interface AllowRule {
  host: string;
  wildcard: boolean;
  /** An IP address written as such: the only way to allow a private, loopback or link-local destination. */
  address: boolean;
  port: number | null;
}

/** With no list given: what the default agent needs, and nothing else (its profile says what). */
export const DEFAULT_ALLOWLIST = DEFAULT_AGENT_EGRESS.hosts;

export function parseAllowlist(text: string): { rules: AllowRule[]; problems: string[] } {
  const rules: AllowRule[] = [];
  const problems: string[] = [];
  const entries = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const entry of entries) {
    const rule = parseEntry(entry.toLowerCase());
    if (typeof rule === 'string') problems.push(`${JSON.stringify(entry)}: ${rule}`);
    else rules.push(rule);
  }
  return { rules, problems };
}

function parseEntry(entry: string): AllowRule | string {
  let host = entry;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    host = bracketed[1] as string;
    port = bracketed[2] ? Number(bracketed[2]) : null;
  } else if (isIP(entry) !== 6) {
    const at = entry.lastIndexOf(':');
    if (at > 0) {
      if (!/^\d{1,5}$/.test(entry.slice(at + 1))) return 'expected host, host:port, *.domain or an IP address';
      host = entry.slice(0, at);
      port = Number(entry.slice(at + 1));
    }
  }
  if (port !== null && (port < 1 || port > 65_535)) return 'a port from 1 to 65535';
  if (isIP(host)) return { host, wildcard: false, address: true, port };
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(name)) {
    return 'expected host, host:port, *.domain or an IP address';
  }
  return { host: name, wildcard, address: false, port };
}

/** The rule that allows host:port, or null. A wildcard matches subdomains only. */
export function matchRule(rules: readonly AllowRule[], host: string, port: number): AllowRule | null {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return (
    rules.find((r) => {
      if (r.port !== null && r.port !== port) return false;
      if (r.wildcard) return name.endsWith(`.${r.host}`);
      return name === r.host;
    }) ?? null
  );
}

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

/** What kind of address this is: only `public` ones are reachable by name through the proxy. */
export function classifyAddress(address: string): AddressClass {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return classifyAddress(mapped[1] as string);
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number) as [number, number];
    if (a === 127) return 'loopback';
    if (a === 0) return 'unspecified';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
    if (a === 169 && b === 254) return 'link-local';
    if (a >= 224 && a <= 239) return 'multicast';
    if (a >= 240 || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
    return 'public';
  }
  const v6 = address.toLowerCase();
  if (v6 === '::1') return 'loopback';
  if (v6 === '::') return 'unspecified';
  if (/^f[cd]/.test(v6)) return 'private';
  if (/^fe[89ab]/.test(v6)) return 'link-local';
  if (v6.startsWith('ff')) return 'multicast';
  return 'public';
}
