import Docker from 'dockerode';
import { CLI_EXIT, CliError } from '../errors.js';

const PING_DEADLINE_MS = 5000;

/**
 * The Docker engine named by DOCKER_HOST (unix://, tcp://, npipe://), or the default socket; a Podman
 * socket that speaks Docker's API works the same. Pinged once so that "no engine" is one clear line.
 */
export async function connectEngine(env: Readonly<Record<string, string | undefined>>): Promise<Docker> {
  const where = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const docker = new Docker(engineOptions(where));
  try {
    await Promise.race([docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${PING_DEADLINE_MS / 1000} s`)), PING_DEADLINE_MS).unref())]);
  } catch (error) {
    throw new CliError(
      `no Docker engine answers at ${where} (${(error as Error).message})`,
      CLI_EXIT.NO_ENGINE,
      'start one (Docker Desktop, or: sudo systemctl start docker), or point DOCKER_HOST at it (Podman: DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock)',
      { cause: error },
    );
  }
  return docker;
}

/** DOCKER_HOST as dockerode's options. */
export function engineOptions(where: string): Docker.DockerOptions {
  if (where.startsWith('unix://')) return { socketPath: where.slice('unix://'.length) };
  if (where.startsWith('npipe://')) return { socketPath: where.slice('npipe://'.length) };
  const url = new URL(where.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
}

/** The engine's API version as numbers, to tell what it supports. */
export async function engineApiVersion(docker: Docker): Promise<[number, number]> {
  const version = await docker.version();
  const [major = 1, minor = 0] = String(version.ApiVersion).split('.').map(Number);
  return [major, minor];
}
