import type { FirstPrompt } from './first-prompt.js';
import type { Logger } from '../../log/logger.js';
import type { HookEvent } from '../../agent/events.js';

/** How the prompt reaches the pane; PaneTyping in the supervisor, anything in a test. */
export interface PromptKeys {
  paste: (text: string) => Promise<boolean>;
  enter: () => Promise<boolean>;
}

export interface FirstPromptTypingOptions {
  prompt: FirstPrompt;
  keys: PromptKeys;
  /**
   * Agents with hooks: ready once the SessionStart hook came, given once its UserPromptSubmit hook comes after the typing.
   * Other agents: ready once started, given once typed (nothing tells more).
   */
  hooks: boolean;
  log: Logger;
  /** The screen must be this still before the prompt is pasted, and again before Enter: the agent drew and waits. */
  settleMs?: number;
  /** A screen that never stays still gets the prompt after this long anyway. */
  maxSettleMs?: number;
  /** With hooks: Enter again when no UserPromptSubmit came this long after it (at most ENTER_TRIES presses in all). */
  enterRetryMs?: number;
  /**
   * With hooks, after the Enters: the agent's input as its screen shows it (`AgentProfile.promptInput`), looked at
   * every `enterRetryMs` while the screen stays still; `empty` types the prompt again. Absent: only a screen change does.
   */
  promptInput?: () => Promise<'empty' | null>;
}

const ENTER_TRIES = 3;
/** Typings of the prompt into one run of an agent with hooks: a dialog that refused it (answered later by a person) gets it again. */
const TYPINGS_PER_RUN = 3;
/** Looks at a still screen after the Enters (promptInput), each `enterRetryMs` apart, before leaving it to a screen change. */
const INPUT_LOOKS = 20;

type Step = 'idle' | 'ready-wait' | 'settle-paste' | 'pasting' | 'settle-enter' | 'pressing' | 'taken-wait' | 'retype-wait' | 'done';

/**
 * The first prompt (AGENTGATE_PROMPT / AGENTGATE_PROMPT_FILE) is typed into the agent's pane, never put on its
 * command line: there a prompt starting with `-` is an option, and argv is readable by every process. Each run
 * that starts while the prompt is pending gets it typed once it is ready; a run that ends before the agent
 * took it leaves it pending for the next run. Every timer belongs to one run: the run's end cancels it.
 */
export class FirstPromptTyping {
  private step: Step = 'idle';
  private run = 0;
  private timer: NodeJS.Timeout | null = null;
  private settleStartMs = 0;
  private enters = 0;
  private typings = 0;
  private looks = 0;
  private readonly settleMs: number;
  private readonly maxSettleMs: number;
  private readonly enterRetryMs: number;

  constructor(private readonly options: FirstPromptTypingOptions) {
    this.settleMs = options.settleMs ?? 1000;
    this.maxSettleMs = options.maxSettleMs ?? 10_000;
    this.enterRetryMs = options.enterRetryMs ?? 3000;
    if (options.prompt.pending() === null) {
      // Said once, so that a user who wonders why the prompt did not come learns it: the state dir says so.
      options.log.info({ chars: options.prompt.length, detail: 'not typed again: the state dir records it' }, 'first prompt already given');
      this.step = 'done';
    } else if (options.hooks) {
      // The agent's hooks may report before the supervisor hears of the start: wait for SessionStart from the outset.
      this.step = 'ready-wait';
    }
  }

  /** A run of the agent started: another agent is ready now (its screen must still settle). */
  agentStarted(): void {
    if (!this.options.hooks && this.options.prompt.pending() !== null) this.settle('settle-paste');
  }

  hook(event: HookEvent): void {
    if (!this.options.hooks) return;
    if (event.name === 'SessionStart' && this.step === 'ready-wait') this.settle('settle-paste');
    // Typed text was submitted: after the Enter, or by the paste itself (an agent without bracketed paste).
    const typed = this.step === 'taken-wait' || this.step === 'settle-enter' || this.step === 'pressing' || this.step === 'retype-wait';
    // Gemini CLI's BeforeAgent is its UserPromptSubmit.
    if ((event.name === 'UserPromptSubmit' || event.name === 'BeforeAgent') && typed) this.given();
  }

  /** The pane's output changed: the agent is still drawing. */
  screenActive(): void {
    // The agent did not take the typed prompt (a dialog refused it): once its screen changed and settles, type it again.
    if (this.step === 'retype-wait' && this.typings < TYPINGS_PER_RUN) return this.settle('settle-paste');
    if (this.step !== 'settle-paste' && this.step !== 'settle-enter') return;
    if (Date.now() - this.settleStartMs >= this.maxSettleMs) return;
    this.arm(this.settleMs);
  }

  /** The run ended (or the supervisor stops): nothing more is typed into it; a prompt not taken stays pending. */
  agentExited(): void {
    this.run += 1;
    this.typings = 0;
    this.clear();
    if (this.step === 'done') return;
    if (['settle-enter', 'pressing', 'taken-wait', 'retype-wait'].includes(this.step)) this.options.log.warn({ chars: this.textLength(), detail: 'typed again on its next start' }, 'first prompt cut short');
    this.step = this.options.hooks && this.options.prompt.pending() !== null ? 'ready-wait' : 'idle';
  }

  close(): void {
    this.run += 1;
    this.clear();
    this.step = 'done';
  }

  private settle(step: 'settle-paste' | 'settle-enter'): void {
    this.step = step;
    this.settleStartMs = Date.now();
    this.arm(this.settleMs);
  }

  private arm(delayMs: number): void {
    this.clear();
    const run = this.run;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (run === this.run) void this.advance(run);
    }, delayMs);
    this.timer.unref();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The screen settled (or the agent did not answer the Enter): the next step of this run. */
  private async advance(run: number): Promise<void> {
    if (this.step === 'settle-paste') return this.paste(run);
    if (this.step === 'settle-enter' || this.step === 'taken-wait') return this.pressEnter(run);
    if (this.step === 'retype-wait') return this.lookAtInput(run);
  }

  /**
   * After the Enters, on a still screen: an input the agent's screen shows empty (nothing typed there, nothing
   * submitted: the typing was lost, typed before its input took keys) gets the prompt again. Anything else waits
   * for the screen to change, as a dialog does: typing into it could answer it.
   */
  private async lookAtInput(run: number): Promise<void> {
    const input = await this.options.promptInput?.();
    if (run !== this.run || this.step !== 'retype-wait') return;
    if (input === 'empty' && this.typings < TYPINGS_PER_RUN) {
      this.options.log.warn({ chars: this.textLength(), typings: this.typings, detail: 'its screen shows its input empty: typed again' }, 'first prompt lost');
      return this.settle('settle-paste');
    }
    this.looks += 1;
    if (this.looks < INPUT_LOOKS) this.arm(this.enterRetryMs);
  }

  private async paste(run: number): Promise<void> {
    const text = this.options.prompt.pending();
    if (text === null) return void (this.step = 'done');
    this.step = 'pasting'; // screen output from the paste must not start a second one
    this.typings += 1;
    const pasted = await this.options.keys.paste(text);
    if (run !== this.run) return;
    if (!pasted) {
      this.step = 'idle';
      return void this.options.log.warn({ reason: 'the pane did not take it', detail: 'typed again on the next start' }, 'first prompt not typed');
    }
    this.enters = 0;
    this.settle('settle-enter');
  }

  private async pressEnter(run: number): Promise<void> {
    const { log, hooks } = this.options;
    if (this.enters >= ENTER_TRIES) {
      this.step = 'retype-wait';
      const again = this.typings < TYPINGS_PER_RUN;
      const detail = again ? 'a dialog may hold the agent; the prompt is typed again once its screen changes' : 'typed again on its next start';
      const hint = again ? 'attach and answer the dialog' : undefined;
      log.warn({ chars: this.textLength(), enters: this.enters, typings: this.typings, detail, hint }, 'first prompt not taken');
      this.looks = 0;
      if (again && this.options.promptInput) this.arm(this.enterRetryMs);
      return;
    }
    this.enters += 1;
    const previous = this.step;
    this.step = 'pressing';
    const pressed = await this.options.keys.enter();
    if (run !== this.run || this.step !== 'pressing') return; // ended, or taken meanwhile
    if (!pressed) {
      this.step = previous;
      return;
    }
    if (this.enters === 1) log.info({ chars: this.textLength(), typings: this.typings }, 'first prompt typed');
    if (!hooks) return this.given();
    this.step = 'taken-wait';
    this.arm(this.enterRetryMs);
  }

  private given(): void {
    this.clear();
    this.step = 'done';
    const chars = this.textLength();
    // Its length only: the text can be private.
    const failed = this.options.prompt.markGiven();
    if (failed) this.options.log.warn({ code: failed, detail: 'given, but not recorded in the state dir: a re-created container gives it again' }, 'first prompt not recorded');
    else this.options.log.info({ chars }, 'first prompt given');
  }

  private textLength(): number {
    return this.options.prompt.length;
  }
}
