import { PREFIX, type RawConfig, envSchema } from './schema.js';

/**
 * One setting read on its own, its default when it is unset or invalid: for what must work while the whole
 * configuration is bad (the logger that reports it, `status` and `attach`, the health of a failed start).
 * The one schema decides both; there is no second parser.
 */
export function settingOrDefault<K extends keyof RawConfig>(env: Readonly<Record<string, string | undefined>>, key: K): RawConfig[K] {
  const field = envSchema.shape[key];
  const raw = env[`${PREFIX}${String(key)}`];
  const parsed = field.safeParse(raw === '' ? undefined : raw);
  if (parsed.success) return parsed.data as RawConfig[K];
  return field.safeParse(undefined).data as RawConfig[K];
}

/** Where health is served when the configuration did not load: each setting as given when valid, else its default. */
export function lenientHealthConfig(env: Readonly<Record<string, string | undefined>>): { host: string; port: number } {
  return { host: settingOrDefault(env, 'HEALTH_HOST'), port: settingOrDefault(env, 'HEALTH_PORT') };
}

/** One setting when it is set and valid; undefined when unset or invalid. */
export function settingIfSet<K extends keyof RawConfig>(env: Readonly<Record<string, string | undefined>>, key: K): RawConfig[K] | undefined {
  const raw = env[`${PREFIX}${String(key)}`];
  if (raw === undefined || raw === '') return undefined;
  const parsed = envSchema.shape[key].safeParse(raw);
  return parsed.success ? (parsed.data as RawConfig[K]) : undefined;
}
