import { PassThrough } from 'node:stream';
import { formatPrettyLine } from '../../supervisor/log/pretty-line.js';
import { numberOption, parseCommandArgs } from '../args.js';
import type { HostContext } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { CLI_EXIT, UsageError } from '../errors.js';

/** `agentgate logs NAME [-f] [--json] [--tail N]`: the supervisor's log, as text for people or raw JSON lines. */
export async function logs(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('logs', args, { follow: { type: 'boolean', short: 'f' }, json: { type: 'boolean' }, tail: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('logs takes one NAME: agentgate logs NAME [-f] [--json]');
  const tail = numberOption('logs', 'tail', values.tail, 0, [0, 1_000_000]);
  const docker = await context.engine();
  const agent = await findAgent(docker, positionals[0] as string);
  const container = docker.getContainer(agent.id);
  const options = { stdout: true, stderr: true, timestamps: false, ...(tail > 0 ? { tail } : {}) };
  const lines = (write: (text: string) => void) => {
    const stream = new PassThrough();
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) write(values.json ? `${line}\n` : formatPrettyLine(`${line}\n`));
    });
    stream.on('end', () => rest && write(values.json ? `${rest}\n` : formatPrettyLine(`${rest}\n`)));
    return stream;
  };
  const out = lines((t) => context.stdout.write(t));
  const err = lines((t) => context.stderr.write(t));
  if (values.follow) {
    const stream = await container.logs({ ...options, follow: true });
    docker.modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      context.signals.once('SIGINT', () => {
        (stream as unknown as { destroy: () => void }).destroy();
        resolve();
      });
    });
  } else {
    const buffer = await container.logs({ ...options, follow: false });
    const stream = new PassThrough();
    docker.modem.demuxStream(stream, out, err);
    stream.end(buffer);
    await new Promise((resolve) => setImmediate(resolve));
  }
  out.end();
  err.end();
  return CLI_EXIT.OK;
}
