import { readFileSync } from 'node:fs';
import { findExecutable } from '../runtime/find-executable.js';

// Python lines that set every signal's disposition back to its default and unblock them all (needs `signal`).
const RESET_SIGNALS = [
  'for n in range(1, signal.NSIG):',
  '    try: signal.signal(n, signal.SIG_DFL)',
  '    except (OSError, ValueError, RuntimeError): pass',
  'signal.pthread_sigmask(signal.SIG_SETMASK, [])',
];

/**
 * The agent's pane command. tmux leaves SIGTTIN and SIGTTOU ignored in the processes it starts, and a shell
 * cannot undo a disposition that was ignored when it started (POSIX), so a small python3 step resets every
 * signal to its default and unblocks them all, raises the agent's OOM score (when memory runs out the kernel
 * must kill the agent, which is restarted, not the supervisor, which would take the container down; raising
 * needs no privilege), enters the workspace (failing loudly rather than letting tmux fall back to another
 * directory), marks the run, and execs the agent's command line in /bin/sh: the pane's pid stays the agent's.
 */
const LAUNCHER = [
  'import os, signal, sys',
  ...RESET_SIGNALS,
  'try: open("/proc/self/oom_score_adj", "w").write(sys.argv[5])',
  'except OSError: pass',
  'try: os.chdir(sys.argv[1])',
  'except OSError as e:',
  '    sys.stderr.write("agentgate: cannot enter the workspace %s: %s\\n" % (sys.argv[1], e.strerror)); sys.exit(126)',
  'os.environ[sys.argv[2]] = sys.argv[3]',
  'os.execv("/bin/sh", ["/bin/sh", "-c", "exec " + sys.argv[4]])',
].join('\n');

/** The environment variable that marks every process of one agent run, whatever session or group it moves to. */
export const RUN_MARKER = 'AGENTGATE_RUN_ID';
/** The agent's oom_score_adj: well above the supervisor's 0, so that the kernel picks the agent first. */
export const AGENT_OOM_SCORE_ADJ = 500;

export interface PaneCommandSpec {
  cwd: string;
  commandLine: string;
  runId: string;
  /** python3's path, or null when it is missing: then /bin/sh starts the agent and dispositions stay as tmux left them. */
  python: string | null;
}

/**
 * argv for the pane: /bin/sh and coreutils' `env --default-signal` where this env has it (the same clean start
 * as the python3 launcher at a sixth of its cost, 4 against 20 ms on each start and restart), otherwise the
 * python3 launcher, otherwise plain `sh -c` with the marker exported.
 */
export function paneCommand(spec: PaneCommandSpec, env = defaultSignalEnv()): string[] {
  // Where python3 is missing the warning "python3 not found" stands: dispositions stay as tmux left them.
  if (env && spec.python) {
    return [
      '/bin/sh',
      '-c',
      `echo ${AGENT_OOM_SCORE_ADJ} > /proc/self/oom_score_adj 2>/dev/null; ${RUN_MARKER}=${spec.runId}; export ${RUN_MARKER}; ` +
        'cd "$1" || { echo "agentgate: cannot enter the workspace $1" >&2; exit 126; }; exec "$2" --default-signal /bin/sh -c "exec $3"',
      'agentgate',
      spec.cwd,
      env,
      spec.commandLine,
    ];
  }
  if (spec.python) return [spec.python, '-I', '-S', '-c', LAUNCHER, spec.cwd, RUN_MARKER, spec.runId, spec.commandLine, String(AGENT_OOM_SCORE_ADJ)];
  return [
    '/bin/sh',
    '-c',
    `echo ${AGENT_OOM_SCORE_ADJ} > /proc/self/oom_score_adj 2>/dev/null; ${RUN_MARKER}=${spec.runId}; export ${RUN_MARKER}; cd "$1" || exit 126; exec ${spec.commandLine}`,
    'agentgate',
    spec.cwd,
  ];
}

/**
 * tmux's default-command: what a window or pane opened without a command runs (`tmux new-window`, Ctrl-b c).
 * tmux starts it with SIGTTIN and SIGTTOU ignored, and a shell would pass that on to everything it runs, so
 * python3 resets every disposition first and then becomes the login shell tmux would have run ($SHELL, which
 * tmux sets to its default-shell). The code has no single quote: it sits in single quotes for /bin/sh.
 */
const CLEAN_SHELL = [
  'import os, signal',
  ...RESET_SIGNALS,
  'shell = os.environ.get("SHELL") or "/bin/sh"',
  'os.execv(shell, ["-" + os.path.basename(shell)])',
].join('\n');

export function cleanDefaultCommand(python: string): string {
  return `exec '${python.replaceAll("'", "'\\''")}' -I -S -c '${CLEAN_SHELL}'`;
}

/**
 * Windows and panes people open (Ctrl-b c, `tmux new-window [command]`) start with clean dispositions too:
 * the image's agentgate-shell as the default-shell covers those with a command and those without; elsewhere
 * python3 in the default-command covers those without one.
 */
export function cleanShellOptions(env: Readonly<Record<string, string | undefined>>, python: string | null): string[][] {
  const wrapper = findExecutable('agentgate-shell', env.PATH ?? '');
  if (wrapper) return [['set-option', '-g', 'default-shell', wrapper]];
  return python ? [['set-option', '-g', 'default-command', cleanDefaultCommand(python)]] : [];
}

let envWithDefaultSignal: string | null | undefined;

/**
 * /usr/bin/env when it is coreutils' 8.31 or later, which resets every signal with --default-signal (busybox's
 * and older ones cannot): told by the option's name in the binary, read once, so no process runs to ask.
 */
export function defaultSignalEnv(): string | null {
  if (envWithDefaultSignal !== undefined) return envWithDefaultSignal;
  try {
    envWithDefaultSignal = readFileSync('/usr/bin/env').includes('default-signal') ? '/usr/bin/env' : null;
  } catch {
    envWithDefaultSignal = null;
  }
  return envWithDefaultSignal;
}
