// The markdown table: every figure beside the baseline measured in the same run.
import { execSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { summarize } from './stats.mjs';

const fmt = (v, unit) => (v === undefined || Number.isNaN(v) ? '-' : `${v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${unit}`);

/**
 * One row: `ours` and `baseline` are arrays of measurements (or one number); `goal` is a sentence and
 * `met` whether it holds for the median.
 */
export function row({ figure, ours, unit, baselineName, baseline, goal, met }) {
  const o = summarize([].concat(ours));
  const b = baseline === undefined ? null : summarize([].concat(baseline));
  const ratio = b && b.median ? `${(o.median / b.median).toFixed(2)}x` : '-';
  return `| ${figure} | ${fmt(o.median, unit)} | ${fmt(o.min, unit)} | ${fmt(o.max, unit)} | ${o.n} | ${baselineName ?? '-'} | ${b ? fmt(b.median, unit) : '-'} | ${ratio} | ${goal ?? ''} | ${met === undefined ? '' : met ? 'yes' : '**no**'} |`;
}

export const HEADER = [
  '| Figure | Median | Min | Max | Runs | Baseline | Baseline median | Ratio | Goal | Met |',
  '|---|---|---|---|---|---|---|---|---|---|',
];

const sh = (cmd) => { try { return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return 'unknown'; } };

/** The report's first lines: the commit, the date, the machine and its tools, then `runs` (how the figures were taken). */
export function machineLines(runs) {
  return [
    `- Commit: ${sh('git rev-parse --short HEAD')}${sh('git status --porcelain') ? ' (with uncommitted changes)' : ''}`,
    `- Date: ${new Date().toISOString()}`,
    `- CPU: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; kernel ${release()}`,
    `- Node ${process.version}; ${sh('tmux -V')}; tini ${sh('tini --version')}; docker ${sh("docker version -f '{{.Server.Version}}'")}`,
    `- ${runs}`,
  ];
}
