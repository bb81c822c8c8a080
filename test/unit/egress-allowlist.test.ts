import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWLIST, classifyAddress, matchRule, parseAllowlist } from '../../supervisor/features/egress/allowlist.js';

describe('egress allowlist', () => {
  it('reads names, wildcards, ports, addresses and comments, and names bad entries', () => {
    const { rules, problems } = parseAllowlist('api.example.com:443, *.pkg.dev\n# a comment\n10.0.0.5:8080 [::1]:9000 bad_name:1 host:99999');
    expect(rules).toEqual([
      { host: 'api.example.com', wildcard: false, address: false, port: 443 },
      { host: 'pkg.dev', wildcard: true, address: false, port: null },
      { host: '10.0.0.5', wildcard: false, address: true, port: 8080 },
      { host: '::1', wildcard: false, address: true, port: 9000 },
    ]);
    expect(problems).toEqual(['"bad_name:1": expected host, host:port, *.domain or an IP address', '"host:99999": a port from 1 to 65535']);
  });

  it('matches exact names and ports, and wildcards on subdomains only', () => {
    const { rules } = parseAllowlist('api.example.com:443 *.pkg.dev');
    expect(matchRule(rules, 'API.example.com', 443)).not.toBeNull();
    expect(matchRule(rules, 'api.example.com', 80)).toBeNull();
    expect(matchRule(rules, 'evil-api.example.com', 443)).toBeNull();
    expect(matchRule(rules, 'a.b.pkg.dev', 443)).not.toBeNull();
    expect(matchRule(rules, 'pkg.dev', 443)).toBeNull();
    expect(matchRule(rules, 'pkg.dev.evil.com', 443)).toBeNull();
  });

  it('allows Claude Code by default, and nothing else', () => {
    const { rules, problems } = parseAllowlist(DEFAULT_ALLOWLIST);
    expect(problems).toEqual([]);
    expect(matchRule(rules, 'api.anthropic.com', 443)).not.toBeNull();
    expect(matchRule(rules, 'example.com', 443)).toBeNull();
  });

  it('classifies loopback, private, link-local (metadata) and public addresses, IPv4 and IPv6', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map(classifyAddress)).toEqual(['loopback', 'loopback', 'loopback']);
    expect(['10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', 'fd00::1'].map(classifyAddress)).toEqual(Array(5).fill('private'));
    expect(['169.254.169.254', 'fe80::1'].map(classifyAddress)).toEqual(['link-local', 'link-local']);
    expect(['0.0.0.0', '::'].map(classifyAddress)).toEqual(['unspecified', 'unspecified']);
    expect(['93.184.216.34', '2606:4700::1111'].map(classifyAddress)).toEqual(['public', 'public']);
    expect(classifyAddress('172.32.0.1')).toBe('public');
  });
});
