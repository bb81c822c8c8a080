// Bundles the supervisor into one CommonJS file (dist/supervisor.cjs) with its version baked in.
// CommonJS, not ESM: on Node 24, an ESM import of a builtin builds a facade that reads every export,
// so `import 'node:http'` alone loads tls, http2, crypto and undici (112 internal modules against 38
// for require). The CommonJS bundle starts about 30 ms sooner and idles about 9 MiB smaller there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourcemap: false,
  keepNames: true,
  legalComments: 'none',
  define: { __AGENTGATE_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  // The very first statement of the bundle: with a listener for SIGUSR1, Node no longer opens its inspector
  // on that signal (its default), which would expose the supervisor and its environment (API keys) to
  // anyone who can send it a signal. The image also gives node an inspector address that cannot be bound.
  banner: { js: 'process.on("SIGUSR1",function(){});' },
};
// Builtins that Node cannot keep in a startup snapshot (node:http's parser binding aborts the build) or has not
// verified there: the image builds a snapshot of this bundle (docker/build-snapshot.sh), so these load on first use
// instead of at import. esbuild's import helper lists a module's names at import (ownKeys), so the proxy answers
// that from this Node's names and loads the module only when a name is read (`(0, http.createServer)(...)`).
const LAZY_BUILTINS = /^(node:)?(http|dns\/promises)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (a) => (a.namespace === 'lazy-builtin' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a) => ({
      loader: 'js',
      contents: `const names = ${JSON.stringify(Object.keys(createRequire(import.meta.url)(a.path)))};
let m; const load = () => (m ??= require(${JSON.stringify(a.path)}));
module.exports = new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => names,
  getOwnPropertyDescriptor: (_, k) => (names.includes(k) ? { configurable: true, enumerable: true, writable: true, value: undefined } : undefined) });`,
    }));
  },
};
await build({
  ...common,
  entryPoints: ['supervisor/main.ts'],
  outfile: 'dist/supervisor.cjs',
  plugins: [lazyBuiltins],
  // import() as require: code run from a startup snapshot has no loader for import() ("A dynamic import callback
  // was not specified"), while require of a builtin works there as anywhere.
  supported: { 'dynamic-import': false },
  // While node builds a startup snapshot, no signal handler can be installed (it cannot be kept in the snapshot):
  // the snapshot's main installs it first instead (supervisor/main.ts).
  banner: { js: 'require("node:v8").startupSnapshot?.isBuildingSnapshot()||process.on("SIGUSR1",function(){});' },
});
// `agentgate proxy` loads this second file beside the first: see supervisor/features/egress/proxy-entry.ts.
await build({ ...common, entryPoints: ['supervisor/features/egress/proxy-entry.ts'], outfile: 'dist/egress-proxy.cjs', banner: {} });
// Parts of the Docker client this command cannot or does not use, left out of its bundle: dockerode's BuildKit
// session and progress decoder load .proto files from beside their sources (so they cannot work from a bundle;
// `up` builds without them), and docker-modem's SSH transport (DOCKER_HOST=ssh://, which connectEngine does not
// offer) loads ssh2 from node_modules. Left in, they ran at every start: @grpc/grpc-js was half the bundle, and
// with ssh2 they cost about 150 ms of each `agentgate up` and `ls`.
const UNUSED = [
  { importer: /dockerode[\\/]lib$/, path: /^\.\/(session|buildkit)$/, message: 'dockerode BuildKit (version 2) builds are not in the agentgate bundle' },
  { importer: /docker-modem[\\/]lib$/, path: /^\.\/ssh$/, message: 'DOCKER_HOST=ssh:// is not supported by agentgate: forward the socket (ssh -L) and use unix:// or tcp://' },
];
const withoutUnusedParts = {
  name: 'without-unused-parts',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|buildkit|ssh)$/ }, (a) => {
      const part = UNUSED.find((u) => u.importer.test(a.resolveDir) && u.path.test(a.path));
      return part ? { path: a.path, namespace: 'unused', pluginData: part.message } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (a) => ({ contents: `module.exports = function () { throw new Error(${JSON.stringify(a.pluginData)}); };`, loader: 'js' }));
  },
};
// The host command (agentgate up, ls, ...): its own bundle, run by the host's node; the image has no use for it.
if (!process.argv.includes('--supervisor-only')) await build({
  ...common,
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/agentgate.cjs',
  banner: { js: '#!/usr/bin/env node' },
  // Optional native parts of the SSH transport (DOCKER_HOST=ssh://) that this command does not use.
  external: ['cpu-features', 'ssh2'],
  plugins: [withoutUnusedParts],
});
