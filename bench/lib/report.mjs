// The markdown table: every figure beside the baseline measured in the same run.
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
