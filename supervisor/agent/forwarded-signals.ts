/** Agent mode passes these on to the agent's process group; the stop signals start a graceful stop instead. */
export const AGENT_FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2'];
