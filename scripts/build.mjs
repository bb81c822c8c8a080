// Bundles the supervisor into one ESM file (dist/supervisor.mjs) with its version baked in.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: ['supervisor/main.ts'],
  outfile: 'dist/supervisor.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: false,
  keepNames: true,
  legalComments: 'none',
  define: { __AGENTGATE_VERSION__: JSON.stringify(version) },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __agentgateRequire } from 'node:module'; const require = __agentgateRequire(import.meta.url);" },
  logLevel: 'warning',
});
