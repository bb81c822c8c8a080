import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SnapshotBuild {
  /** A copy of dist/ (the bundles) with supervisor.blob beside them, as /opt/agentgate in the image. */
  dir: string;
  blob: string;
  /** The entrypoint made from docker/agentgate.sh by docker/install-entrypoint.sh, for this node. */
  entry: string;
  /** Its node flags: a blob starts only with the flags it was built with (Node 20 and 22 check V8's). */
  flags: string[];
  /** What docker/build-snapshot.sh said on stderr. */
  stderr: string;
  status: number | null;
}

let built: SnapshotBuild | undefined;

/**
 * The image's startup snapshot, made here with this node by the image's own scripts (install-entrypoint.sh, then
 * build-snapshot.sh) from a copy of the built bundles: once per test process.
 */
export function snapshotBuild(): SnapshotBuild {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-snapshot-'));
  chmodSync(dir, 0o755); // tests run the supervisor as other uids too
  for (const file of ['supervisor.cjs', 'egress-proxy.cjs']) copyFileSync(join(ROOT, 'dist', file), join(dir, file));
  const entry = join(dir, 'agentgate');
  const install = spawnSync('sh', [join(ROOT, 'docker/install-entrypoint.sh'), join(ROOT, 'docker/agentgate.sh'), entry], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`install-entrypoint.sh failed: ${install.stderr}`);
  const r = spawnSync('sh', [join(ROOT, 'docker/build-snapshot.sh'), dir, entry], { encoding: 'utf8', timeout: 60_000 });
  const flags = (readFileSync(entry, 'utf8').match(/^exec node (.*) \/opt\/agentgate\/start\.cjs /m)?.[1] ?? '').split(' ').filter(Boolean);
  built = { dir, blob: join(dir, 'supervisor.blob'), entry, flags, stderr: r.stderr, status: r.status };
  return built;
}

/**
 * The node arguments that start the supervisor from the blob, as the entrypoint does (its own arguments follow).
 * The blob is named by a link with "supervisor.cjs" in it: tests find the supervisor by that in its command line.
 */
export function fromSnapshotArgs(): string[] {
  const { blob, flags, stderr } = snapshotBuild();
  if (!existsSync(blob)) throw new Error(`no startup snapshot was built: ${stderr}`);
  const named = `${blob.slice(0, -'supervisor.blob'.length)}supervisor.cjs.blob`;
  if (!existsSync(named)) linkSync(blob, named);
  return [...flags, '--snapshot-blob', named, '--'];
}
