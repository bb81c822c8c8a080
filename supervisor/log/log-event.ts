/**
 * One event for the log, made where no logger is at hand (startup checks, sshd's lines): `msg` is a stable
 * event name, the facts are fields, and advice, when there is any, is the field `hint`.
 */
export interface LogEvent {
  msg: string;
  fields: Record<string, unknown>;
}
