import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** What the server saw of one request: whether it carried the expected token, and what it asked for. */
export interface GitRequestSeen {
  method: string;
  path: string;
  authorized: boolean;
}

/**
 * A git host of the test's own: `git http-backend` (the real smart HTTP server, as CGI) behind Node's HTTPS with a
 * certificate from a CA made for the test (`caFile`, for whoever must trust it). Every request must carry
 * `Authorization: Basic <username>:<token>`; any other gets a 401, so a clone or push that works proves the token
 * was on each request. `repo.git` holds one commit to start with.
 */
export class GitHttpsServer {
  readonly seen: GitRequestSeen[] = [];
  readonly caFile: string;
  readonly repo: string;
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly dir: string,
    private readonly username: string,
    private readonly token: string,
    /** Where it listens, and the addresses its certificate names (a container reaches the host at a gateway). */
    private readonly where: { host: string; addresses: string[] } = { host: '127.0.0.1', addresses: ['127.0.0.1'] },
  ) {
    this.caFile = join(dir, 'ca.pem');
    this.repo = join(dir, 'git', 'repo.git');
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    makeCertificates(this.dir, this.where.addresses);
    mkdirSync(join(this.dir, 'git'), { recursive: true });
    const seed = join(this.dir, 'seed');
    const git = (cwd: string, ...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    };
    git(this.dir, 'init', '--bare', this.repo);
    git(this.repo, 'config', 'http.receivepack', 'true');
    git(this.dir, 'init', seed);
    writeFileSync(join(seed, 'README'), 'seed\n');
    git(seed, 'add', 'README');
    git(seed, 'commit', '-m', 'seed');
    git(seed, 'push', this.repo, 'HEAD:main');
    const expected = `Basic ${Buffer.from(`${this.username}:${this.token}`).toString('base64')}`;
    this.server = createServer({ key: readFileSync(join(this.dir, 'server.key')), cert: readFileSync(join(this.dir, 'server.pem')) }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://git.test');
      const authorized = req.headers.authorization === expected;
      this.seen.push({ method: req.method ?? 'GET', path: url.pathname, authorized });
      if (!authorized) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test git"', 'content-type': 'text/plain' });
        res.end('token missing or wrong\n');
        return;
      }
      const cgi = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH,
          GIT_PROJECT_ROOT: join(this.dir, 'git'),
          GIT_HTTP_EXPORT_ALL: '1',
          REQUEST_METHOD: req.method ?? 'GET',
          PATH_INFO: url.pathname,
          QUERY_STRING: url.search.slice(1),
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
          ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
          ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
          REMOTE_USER: this.username,
          REMOTE_ADDR: '127.0.0.1',
        },
      });
      req.pipe(cgi.stdin);
      let head = Buffer.alloc(0);
      let inBody = false;
      cgi.stdout.on('data', (chunk: Buffer) => {
        if (inBody) return void res.write(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
          const at = line.indexOf(':');
          const [name, value] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
          if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
          else headers[name] = value;
        }
        res.writeHead(status, headers);
        inBody = true;
        res.write(head.subarray(end + 4));
      });
      cgi.stdout.on('end', () => res.end());
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, this.where.host, () => resolve()));
    this.port = (server.address() as AddressInfo).port;
  }

  /** The subjects of the commits on the bare repository's main branch, newest first. */
  log(): string[] {
    return spawnSync('git', ['--git-dir', this.repo, 'log', '--format=%s', 'main'], { encoding: 'utf8' }).stdout.trim().split('\n');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A CA, and a certificate it signed for `addresses` and localhost. */
function makeCertificates(dir: string, addresses: string[]): void {
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=agentgate test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${addresses[0]}`);
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=${addresses.map((a) => `IP:${a}`).join(',')},DNS:localhost\nbasicConstraints=CA:FALSE\n`);
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
}
