import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { type SseEvent, SseParser } from './sse-parser.js';

/**
 * Asks the supervisor inside the container for `path` with curl and streams its server-sent events out. Run by
 * `docker exec` as root: with a token it goes to curl on stdin (printf is the shell's own, so the token is in
 * no argument list the agent could read), and root's environment is closed to the agent's uid.
 */
const SCRIPT = [
  'url="http://127.0.0.1:${AGENTGATE_HEALTH_PORT:-7433}"',
  '[ -r /tmp/agentgate/health-url ] && read -r url < /tmp/agentgate/health-url',
  'if [ -n "$AGENTGATE_ANSWER_TOKEN" ]; then printf "authorization: Bearer %s\\n" "$AGENTGATE_ANSWER_TOKEN" | curl -sSfN -H @- "$url$1"',
  'else exec curl -sSfN "$url$1"; fi',
].join('\n');

export interface Follow {
  /** Settles when the stream ends: the supervisor went, the container stopped, or stop() was called. */
  ended: Promise<string>;
  stop: () => void;
}

export function followInContainer(docker: Docker, containerId: string, path: string, token: string | null, onEvent: (event: SseEvent) => void): Follow {
  let stopStream: () => void = () => undefined;
  let stopped = false;
  const ended = (async () => {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: ['sh', '-c', SCRIPT, 'sh', path],
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: '0',
      ...(token ? { Env: [`AGENTGATE_ANSWER_TOKEN=${token}`] } : {}),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    stopStream = () => stream.destroy();
    if (stopped) stream.destroy();
    const out = new PassThrough();
    const err = new PassThrough();
    let stderr = '';
    const parser = new SseParser();
    out.setEncoding('utf8');
    out.on('data', (text: string) => {
      try {
        for (const event of parser.push(text)) onEvent(event);
      } catch {
        stream.destroy();
      }
    });
    err.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-500)));
    docker.modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    return stopped ? 'stopped' : stderr.trim() || 'the stream ended';
  })().catch((error: unknown) => (error as Error).message);
  return {
    ended,
    stop: () => {
      stopped = true;
      stopStream();
    },
  };
}
