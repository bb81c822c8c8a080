import { checkEgressIsolation } from './egress/selftest-feature.js';
import { followEgressAsks } from './egress-asks/follow-asks.js';
import { holdDecisions } from './decisions/decisions.js';
import type { FeatureFactory } from './feature.js';
import { typeFirstPrompt } from './first-prompt/first-prompt-feature.js';
import { observeAgentState } from './observation/observation.js';
import { takePrompts } from './prompts/prompts.js';
import { recordTerminal } from './recording/recording.js';
import { serveScreen } from './screen/screen.js';
import { serveSsh } from './ssh/ssh-feature.js';

/**
 * The features of agent mode, in the order they start. A new feature is a folder under features/ and one line
 * here: it subscribes to the agent's events and touches neither main.ts nor the run loop.
 */
export const AGENT_FEATURES: readonly FeatureFactory[] = [observeAgentState, recordTerminal, typeFirstPrompt, checkEgressIsolation, serveSsh, holdDecisions, followEgressAsks, takePrompts, serveScreen];
