import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Enough of a GitHub host, on loopback, for `copilot login --with-token --host http://127.0.0.1:<port>` (the pinned version)
 * to sign in: it asks only `GET /copilot_internal/user` with the token, and takes the login from the answer.
 */
export class MockGitHubLogin {
  private server: Server | null = null;
  /** The paths it was asked, in order. */
  readonly requests: string[] = [];

  constructor(readonly login = 'mock-user') {}

  get host(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/copilot_internal/user' && req.headers.authorization?.startsWith('Bearer ')) {
        res.end(JSON.stringify({ login: this.login, copilot_plan: 'individual', chat_enabled: true }));
        return;
      }
      res.statusCode = 404;
      res.end('{"message":"Not Found"}');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
