import type { FeatureFactory } from '../feature.js';
import { Recorder } from './recorder.js';
import { SizeWatch } from './size-watch.js';

/** AGENTGATE_RECORD: each run of the agent's terminal as an asciicast v2 file in the state dir. */
export const recordTerminal: FeatureFactory = ({ config, runtime, log, events, paneSize }) => {
  if (!config.record) return null;
  let recorder: Recorder;
  try {
    // The secret values are scrubbed from the stream, across its chunks.
    recorder = new Recorder({ dir: config.record.dir, maxTotalBytes: config.record.maxBytes, secrets: runtime.secrets });
  } catch (error) {
    log.warn({ dir: config.record.dir, code: (error as NodeJS.ErrnoException).code, reason: 'its directory cannot be made' }, 'recording off');
    return null;
  }
  log.info({ dir: config.record.dir, maxBytes: config.record.maxBytes }, 'recording the agent\'s terminal');
  const sizes = new SizeWatch(paneSize, (size) => recorder.resize(size, Date.now()));
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'started') {
      const size = event.size ?? { width: 80, height: 24 };
      // Resizes are judged against the size the run's header says.
      sizes.reset(size);
      const file = recorder.startRun(event.restarts + 1, size, Date.now());
      if (file) log.info({ file }, 'recording started');
    } else if (event.type === 'output') {
      recorder.output(event.chunk, event.atMs);
      sizes.outputSeen();
    } else if (event.type === 'exited') recorder.endRun();
  });
  return {
    needsPaneSize: true,
    close: () => {
      unsubscribe();
      recorder.endRun();
    },
  };
};
