import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../cli/engine/image.js';
import { CliError } from '../../cli/errors.js';
import { requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker } from '../helpers/docker.js';

/**
 * `agentgate up` (and `make up`) on an engine without the image builds it from the clone through the Engine API.
 * A repository of the test's own, with an allowlist .dockerignore as this one's, built by that same code on the
 * real engine: what reaches the build is what the rules let through (before, a folder the rules exclude sent
 * nothing, the Dockerfile in it included: "Cannot locate specified Dockerfile", exit 70).
 */
requireEngine();
const made: string[] = [];
afterAll(() => {
  if (made.length > 0) docker(['rmi', '-f', ...made]);
});

function repository(dockerfile: string): string {
  const root = mkdtempSync(join(tmpdir(), 'agentgate-build-'));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('docker/Dockerfile', dockerfile);
  for (const path of ['docker/payload.txt', 'docker/other.txt', 'src/a.txt', 'src/sub/b.txt', 'secret.txt']) put(path, path);
  put('.dockerignore', '*\n!docker/Dockerfile\n!docker/payload.txt\n!src/\n');
  return root;
}

async function build(root: string, image: string): Promise<{ lines: string[]; error: unknown }> {
  const lines: string[] = [];
  made.push(image);
  // NODE_IMAGE is one of the build arguments the host command passes on: here, any image the engine has.
  const error = await ensureImage(new Docker(), { image, repoRoot: root, env: { NODE_IMAGE: TEST_IMAGE }, progress: (line) => lines.push(line) }).then(
    () => null,
    (e: unknown) => e,
  );
  return { lines, error };
}

describe('the image built by agentgate up on an engine without it', () => {
  it('gets the Dockerfile and every file the .dockerignore lets through, and nothing else', async () => {
    const image = `agentgate-build-test:${process.pid}`;
    const { lines, error } = await build(repository('ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nCOPY . /ctx/\n'), image);
    expect(error, lines.join('\n')).toBeNull();
    expect(lines.some((l) => /Step \d+\/\d+ : COPY/.test(l))).toBe(true);
    const listed = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'find', image, '/ctx', '-type', 'f']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n').sort()).toEqual(['/ctx/docker/Dockerfile', '/ctx/docker/payload.txt', '/ctx/src/a.txt', '/ctx/src/sub/b.txt']);
  });

  it('a step that fails: exit 1, the step and what it printed shown', async () => {
    const image = `agentgate-build-test:${process.pid}-failing`;
    const token = `left-pad-${process.pid}`;
    const { lines, error } = await build(repository(`ARG NODE_IMAGE\nFROM \${NODE_IMAGE}\nRUN echo "no such package: ${token}" >&2; exit 3\n`), image);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toMatch(/^building agentgate-build-test:\d+-failing failed: The command .* returned a non-zero code: 3/);
    expect(lines.join('\n')).toMatch(new RegExp(`Step 3/3 : RUN echo[\\s\\S]*no such package: ${token}`));
    // The failed step's container is removed with the build (docker build's --force-rm), not left behind.
    const left = docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}']).stdout;
    expect(left).not.toContain(token);
  });
});
