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
  /**
   * An agent whose start is judged from its screen but whose UserPromptSubmit hook says a prompt was taken (Copilot
   * CLI): typed once its screen is still, given once that hook follows, as with `hooks`.
   */
  submitHook?: boolean;
  /**
   * The agent's screen now: the question of a choice dialog open on it (else null), whether its input is drawn,
   * and whether the prompt shows (in its input). The prompt is not pasted, nor Enter pressed, while a dialog is
   * open (Enter would pick its highlighted answer), nor pasted before its input is drawn (text typed into a
   * starting program sits in the terminal's buffer and reaches whatever it draws first, a dialog included); it
   * waits for the screen to change. A prompt still in its input is not pasted again (Enter is pressed instead);
   * one pasted before a dialog came and gone once the dialog is answered (the agent dropped it) is.
   */
  look?: () => Promise<ScreenLook>;
  /**
   * With hooks, after the Enters: the look's `input` (`AgentProfile.promptInput`) is looked at every
   * `enterRetryMs` while the screen stays still; `empty` types the prompt again. False: only a screen change does.
   */
  readsInput?: boolean;
  log: Logger;
  /** The screen must be this still before the prompt is pasted, and again before Enter: the agent drew and waits. */
  settleMs?: number;
  /** A screen that never stays still gets the prompt after this long anyway. */
  maxSettleMs?: number;
  /** With hooks: Enter again when no UserPromptSubmit came this long after it (at most ENTER_TRIES presses in all). */
  enterRetryMs?: number;
}

export interface ScreenLook {
  dialog: string | null;
  inputReady: boolean;
  promptShown: boolean;
  /** The agent's input as its screen shows it, when its profile can tell (`empty`), else null. */
  input: 'empty' | null;
}

const NOTHING_SEEN: ScreenLook = { dialog: null, inputReady: true, promptShown: false, input: null };

const ENTER_TRIES = 3;
/** Typings of the prompt into one run of an agent with hooks: a dialog that refused it (answered later by a person) gets it again. */
const TYPINGS_PER_RUN = 3;
/** Looks at a still screen after the Enters (its input), each `enterRetryMs` apart, before leaving it to a screen change. */
const INPUT_LOOKS = 20;

type Step = 'idle' | 'ready-wait' | 'settle-paste' | 'pasting' | 'settle-enter' | 'pressing' | 'taken-wait' | 'retype-wait' | 'screen-wait' | 'done';

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
  /** While the screen holds the prompt (a dialog, its input not drawn): the step to take up once it changed and settled; what was said of it (once). */
  private afterWait: 'settle-paste' | 'settle-enter' = 'settle-paste';
  private dialogSaid: string | null = null;
  private inputSaid = false;
  /** The prompt was pasted before a dialog held it: once the dialog is gone, is it still in the agent's input? */
  private recheckTyped = false;
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
    if (!this.takenByHook) return;
    if (event.name === 'SessionStart' && this.step === 'ready-wait' && this.options.hooks) this.settle('settle-paste');
    // Typed text was submitted: after the Enter, or by the paste itself (an agent without bracketed paste).
    // Gemini CLI's BeforeAgent is its UserPromptSubmit.
    if ((event.name === 'UserPromptSubmit' || event.name === 'BeforeAgent') && this.typedNotTaken) this.given();
  }

  /** The pane's output changed: the agent is still drawing. */
  screenActive(): void {
    // The screen held the prompt (a dialog, its input not drawn): once it changed and settles, look again.
    if (this.step === 'screen-wait') {
      this.recheckTyped = this.afterWait === 'settle-enter';
      return this.settle(this.afterWait);
    }
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
    this.dialogSaid = null;
    this.inputSaid = false;
    this.recheckTyped = false;
    this.clear();
    if (this.step === 'done') return;
    if (this.typedNotTaken) this.options.log.warn({ chars: this.textLength(), detail: 'typed again on its next start' }, 'first prompt cut short');
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
    const { input } = await this.lookAtScreen();
    if (run !== this.run || this.step !== 'retype-wait') return;
    if (input === 'empty' && this.typings < TYPINGS_PER_RUN) {
      this.options.log.warn({ chars: this.textLength(), typings: this.typings, detail: 'its screen shows its input empty: typed again' }, 'first prompt lost');
      return this.settle('settle-paste');
    }
    this.looks += 1;
    if (this.looks < INPUT_LOOKS) this.arm(this.enterRetryMs);
  }

  /**
   * The screen's look, or 'held' (the prompt set to wait for the screen to change) when a choice dialog is open
   * (typed text or an Enter would answer it on the user's behalf) or, before a paste, its input is not drawn yet.
   */
  private async heldByScreen(run: number, resume: 'settle-paste' | 'settle-enter'): Promise<ScreenLook | 'held'> {
    const look = await this.lookAtScreen();
    if (run !== this.run) return look;
    const { dialog } = look;
    if (dialog !== null) {
      if (dialog !== this.dialogSaid) this.options.log.info({ chars: this.textLength(), dialog, detail: 'typed once the dialog is answered', hint: 'attach and answer it' }, 'first prompt waits');
      this.dialogSaid = dialog;
    } else if (resume === 'settle-paste' && !look.inputReady) {
      if (!this.inputSaid) this.options.log.info({ chars: this.textLength(), detail: 'its input is not on its screen yet: typed once it is' }, 'first prompt waits');
      this.inputSaid = true;
    } else {
      return look;
    }
    this.step = 'screen-wait';
    this.afterWait = resume;
    return 'held';
  }

  private async paste(run: number): Promise<void> {
    const text = this.options.prompt.pending();
    if (text === null) return void (this.step = 'done');
    this.step = 'pasting'; // screen output from the paste must not start a second one
    const look = await this.heldByScreen(run, 'settle-paste');
    if (look === 'held' || run !== this.run) return;
    this.typings += 1;
    if (look.promptShown && this.typings > 1) {
      // Still in its input from the last typing (it did not act on the Enters yet): pasting again would double it.
      this.enters = 0;
      return this.settle('settle-enter');
    }
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
    const { log } = this.options;
    if (this.enters >= ENTER_TRIES) {
      this.step = 'retype-wait';
      const again = this.typings < TYPINGS_PER_RUN;
      const detail = again ? 'a dialog may hold the agent; the prompt is typed again once its screen changes' : 'typed again on its next start';
      const hint = again ? 'attach and answer the dialog' : undefined;
      log.warn({ chars: this.textLength(), enters: this.enters, typings: this.typings, detail, hint }, 'first prompt not taken');
      this.looks = 0;
      if (again && this.options.readsInput) this.arm(this.enterRetryMs);
      return;
    }
    const previous = this.step;
    this.step = 'pressing';
    const look = await this.heldByScreen(run, 'settle-enter');
    if (look === 'held' || run !== this.run || this.step !== 'pressing') return; // a dialog, the run ended, or taken meanwhile
    if (this.recheckTyped) {
      this.recheckTyped = false;
      // The agent dropped what was pasted when its dialog came (Copilot's folder trust does): paste it again.
      if (!look.promptShown && this.typings < TYPINGS_PER_RUN) return this.paste(run);
    }
    this.enters += 1;
    const pressed = await this.options.keys.enter();
    if (run !== this.run || this.step !== 'pressing') return; // ended, or taken meanwhile
    if (!pressed) {
      this.step = previous;
      return;
    }
    if (this.enters === 1) log.info({ chars: this.textLength(), typings: this.typings }, 'first prompt typed');
    if (!this.takenByHook) return this.given();
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

  /** The prompt is in the agent's input (pasted, Enter maybe pressed) and not yet known to be taken. */
  private get typedNotTaken(): boolean {
    const { step } = this;
    return step === 'settle-enter' || step === 'pressing' || step === 'taken-wait' || step === 'retype-wait' || (step === 'screen-wait' && this.afterWait === 'settle-enter');
  }

  /** Its UserPromptSubmit (or Gemini CLI's BeforeAgent) hook says when a typed prompt was taken. */
  private get takenByHook(): boolean {
    return this.options.hooks || this.options.submitHook === true;
  }

  /** The screen as the profile reads it; nothing seen (nothing holds the prompt) when it cannot be read. */
  private async lookAtScreen(): Promise<ScreenLook> {
    return (await this.options.look?.().catch(() => null)) ?? NOTHING_SEEN;
  }

  private textLength(): number {
    return this.options.prompt.length;
  }
}
