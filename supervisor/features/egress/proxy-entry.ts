// The egress proxy's code, bundled apart (dist/egress-proxy.cjs): proxy-chain and its SOCKS support would
// double the supervisor's bundle, which every container loads, for a subcommand only proxy containers run.
export { startProxyMode } from './proxy-mode.js';
