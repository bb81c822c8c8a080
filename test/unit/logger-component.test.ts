import { describe, expect, it } from 'vitest';
import { forComponent } from '../../supervisor/log/component.js';
import { createLogger } from '../../supervisor/log/logger.js';

describe('component loggers', () => {
  it('write one component per line, the component\'s own, however deep they are made', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', secrets: [], write: (line) => lines.push(line) });
    log.info('from the supervisor');
    const ssh = forComponent(log, 'ssh');
    ssh.info('from ssh');
    forComponent(ssh, 'sshd').info('from sshd');
    const components = lines.map((line) => [...line.matchAll(/"component":"([^"]+)"/g)].map((m) => m[1]));
    expect(components).toEqual([['supervisor'], ['ssh'], ['sshd']]);
  });
});
