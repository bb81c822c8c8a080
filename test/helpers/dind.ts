import { spawn } from 'node:child_process';
import { ROOT } from './containers.js';
import { NODE_IMAGE, TEST_IMAGE, docker, dockerAsync, networkGateway } from './docker.js';
import { waitFor } from './wait-for.js';

/** What a Docker-in-Docker node needs: --privileged, less SYS_RESOURCE, which this machine does not grant. */
const NODE_PRIVILEGES = ['--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined'];

/**
 * Docker engines of the test's own, each in a container (test/fixtures/docker-node: Debian's dockerd) on a
 * network of the test's own, driven by this machine's docker CLI over the node's API on that network.
 */
export class DockerNodes {
  readonly image: string;
  readonly network: string;
  private readonly addresses = new Map<string, string>();

  constructor(readonly id: string) {
    this.image = `agentgate/test-docker-node:${id}`;
    this.network = `${id}-net`;
  }

  /** Builds the node image and makes the network; returns the network's gateway (the host on it). */
  async prepare(): Promise<string> {
    const build = await dockerAsync(['build', '--network', 'host', '--build-arg', `BASE=${NODE_IMAGE}`, '-t', this.image, 'test/fixtures/docker-node'], { cwd: ROOT, timeoutMs: 600_000 });
    if (build.status !== 0) throw new Error(`building the node image failed: ${build.stderr.slice(-2000)}`);
    const made = docker(['network', 'create', this.network]);
    if (made.status !== 0) throw new Error(`creating ${this.network}: ${made.stderr}`);
    return networkGateway(this.network);
  }

  /**
   * Starts node `name`, waits for its engine, loads the test image. `upstream`: the engine's upstream resolver
   * (dockerd --dns; 127.0.0.1 by default, where nothing answers). The node's own lookups go nowhere either.
   * `shared`: host directories the node sees at the same paths (compose's bind-mounted files). `iptables`: an
   * engine that manages iptables, as most are (this machine's own does not).
   */
  async start(name: string, options: { upstream?: string; shared?: string[]; iptables?: boolean } = {}): Promise<void> {
    const shared = (options.shared ?? []).flatMap((dir) => ['-v', `${dir}:${dir}:ro`]);
    const r = docker(['run', '-d', ...NODE_PRIVILEGES, ...shared, '--dns', '127.0.0.1', '-e', `DOCKERD_DNS=${options.upstream ?? '127.0.0.1'}`, '-e', `DOCKERD_IPTABLES=${options.iptables === true}`, '--name', this.container(name), '--hostname', name, '--network', this.network, this.image]);
    if (r.status !== 0) throw new Error(`starting node ${name}: ${r.stderr}`);
    this.addresses.set(name, docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${this.network}").IPAddress}}`, this.container(name)]).stdout.trim());
    await waitFor(() => this.on(name, ['info', '--format', '{{.ServerVersion}}'], 10_000).status === 0, `node ${name}'s engine`, 60_000, () => docker(['logs', '--tail', '20', this.container(name)]).stderr);
    const loaded = await this.loadImage(name);
    if (loaded !== 0) throw new Error(`loading ${TEST_IMAGE} into node ${name} failed (${loaded})`);
  }

  /** Runs a command in the node's own container (its network namespace is the engine's host). */
  exec(name: string, args: string[], detach = false) {
    return docker(['exec', ...(detach ? ['-d'] : []), this.container(name), ...args]);
  }

  address(name: string): string {
    return this.addresses.get(name) ?? '';
  }

  /** Node `name`'s engine as DOCKER_HOST: what a compose environment (composeEnv's extra) takes. */
  dockerHost(name: string): string {
    return `tcp://${this.address(name)}:2375`;
  }

  /**
   * The environment that points the docker CLI at node `name`: this process's whole environment (under make:
   * AGENTGATE_IMAGE and more), so not for compose, which takes only dockerHost().
   */
  env(name: string): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: this.dockerHost(name) };
  }

  on(name: string, args: string[], timeoutMs = 120_000) {
    return docker(args, timeoutMs, this.env(name));
  }

  /** The nodes (with their engines' volumes), the network and the node image. */
  remove(): void {
    const names = [...this.addresses.keys()].map((n) => this.container(n));
    if (names.length > 0) docker(['rm', '-f', '-v', ...names], 120_000);
    docker(['network', 'rm', this.network]);
    docker(['image', 'rm', '-f', this.image]);
  }

  private container(name: string): string {
    return `${this.id}-${name}`;
  }

  /** `docker save` here piped into `docker load` on the node: the image as a registry would hand it over. */
  private loadImage(name: string): Promise<number | null> {
    return new Promise((resolve) => {
      const save = spawn('docker', ['save', TEST_IMAGE], { stdio: ['ignore', 'pipe', 'inherit'] });
      const load = spawn('docker', ['load', '-q'], { env: this.env(name), stdio: ['pipe', 'ignore', 'inherit'] });
      save.stdout.pipe(load.stdin);
      load.on('exit', (code) => resolve(code));
    });
  }
}
