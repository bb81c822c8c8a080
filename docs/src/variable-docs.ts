import type { RawConfig } from '../../supervisor/config/schema.js';

// What each variable means, for people: docs/configuration.md is generated from this table and the schema
// (`make docs`). Not imported by the supervisor, so the bundle does not carry the prose.

/** Where a schema variable is documented: the agent's container, or the egress proxy (`agentgate proxy`). */
export type VariableSection = 'agent' | 'proxy';

export interface VariableDoc {
  section: VariableSection;
  /** The subsection of the agent's table it is listed under. */
  topic: string;
  /** One paragraph, Markdown; links are relative to docs/. */
  meaning: string;
  /** The default in words, for variables whose schema has none (optional ones). */
  defaultText?: string;
}

const RUN = 'The agent and its session';
const RESTARTS = 'Restarts and crash loops';
const STOP = 'Stopping and failed starts';
const HEALTH_LOGS = 'Health and logs';
const STATE = 'Workspace, git, credentials and state';
const SSH = 'SSH';
const RECORD = 'Recordings and transcript';
const OBSERVE = 'Agent state and webhooks';
const PROMPT = 'Resume and first prompt';
const EGRESS = 'Egress self-test';
const COMPOSE = 'Compose';
const PROXY = 'Egress proxy';

/** The order of the agent's subsections in the docs. */
export const AGENT_TOPICS: readonly string[] = [RUN, RESTARTS, STOP, HEALTH_LOGS, STATE, SSH, RECORD, OBSERVE, PROMPT, EGRESS, COMPOSE];

/** Every key of the schema, exactly once: a missing or unknown key is a compile error. */
export const VARIABLE_DOCS: { [K in keyof RawConfig]-?: VariableDoc } = {
  AGENT: {
    section: 'agent',
    topic: RUN,
    meaning: 'The agent: a preset (`claude`, `codex`, `gemini`, `opencode`, `copilot`: see docs/agents/), any command line (run by `sh -c "exec ..."`, so quoting works), or `none` for keep-alive mode. A preset missing from the image fails at start (69) naming the `--build-arg AGENTS=...` that builds it in.',
  },
  AGENT_ARGS: { section: 'agent', topic: RUN, meaning: "Extra arguments appended to the agent's command line." },
  SESSION: { section: 'agent', topic: RUN, meaning: 'The tmux session name.' },
  IDLE_MS: {
    section: 'agent',
    topic: OBSERVE,
    meaning:
      'A screen still this long ends `working`: Claude is then `waiting` (a turn that ended without a Stop hook, after Esc or a denial), another agent `idle`.',
  },
  RESTART: {
    section: 'agent',
    topic: RESTARTS,
    meaning: 'Restart policy: `always`, `on-failure` (ends when the agent exits 0) or `never` (ends when it exits).',
  },
  BACKOFF_INITIAL_MS: { section: 'agent', topic: RESTARTS, meaning: 'Delay before the first restart.' },
  BACKOFF_MAX_MS: { section: 'agent', topic: RESTARTS, meaning: 'Cap on the delay; must be at least the initial delay.' },
  BACKOFF_FACTOR: { section: 'agent', topic: RESTARTS, meaning: 'Each further restart multiplies the delay by this.' },
  BACKOFF_JITTER: {
    section: 'agent',
    topic: RESTARTS,
    meaning: 'Fraction randomly taken off each delay, so many containers do not restart in step.',
  },
  STABLE_RUN_MS: { section: 'agent', topic: RESTARTS, meaning: 'A run at least this long resets the backoff and forgets earlier crashes.' },
  CRASH_LOOP_RESTARTS: { section: 'agent', topic: RESTARTS, meaning: 'This many restarts within the window is a crash loop: health turns unhealthy.' },
  CRASH_LOOP_WINDOW_MS: { section: 'agent', topic: RESTARTS, meaning: 'The crash-loop window.' },
  STOP_TIMEOUT_MS: {
    section: 'agent',
    topic: STOP,
    defaultText: '`10000`',
    meaning:
      "The whole stop budget, Docker's stop timeout (compose's `stop_grace_period` is set from it). See [Stopping](reference.md#stopping).",
  },
  STOP_GRACE_MS: {
    section: 'agent',
    topic: STOP,
    defaultText: 'the timeout − 2000',
    meaning:
      'How long a stop waits for the agent after SIGTERM before killing its tree; at most the timeout − 2000 (a larger one is a configuration error).',
  },
  ON_START_ERROR: {
    section: 'agent',
    topic: STOP,
    meaning:
      '`exit`: a failed start (69, 78) exits with its code. `wait`: it stays up, unhealthy, with the reason in health and the log, until stopped (compose and the Helm chart set this, so that a restart policy does not retry a start that needs your fix; the Swarm stack sets `exit`, so that a bad update rolls back).',
  },
  HEALTH_HOST: {
    section: 'agent',
    topic: HEALTH_LOGS,
    meaning: 'Health server address (loopback: nothing outside the container reaches it unless you say so).',
  },
  HEALTH_PORT: {
    section: 'agent',
    topic: HEALTH_LOGS,
    meaning:
      "Health server port. When it is busy (agents sharing the host's network), the supervisor takes a free port, warns, and writes where it went to `/tmp/agentgate/health-url`, which the HEALTHCHECK (`agentgate-probe`) and `agentgate health` read.",
  },
  LOG_LEVEL: { section: 'agent', topic: HEALTH_LOGS, meaning: 'The log level (command mode: `warn` unless set).' },
  LOG_FORMAT: {
    section: 'agent',
    topic: HEALTH_LOGS,
    meaning: '`json` (one pino JSON line per event) or `pretty` (also chosen by itself in command mode when stderr is a terminal).',
  },
  WORKSPACE: {
    section: 'agent',
    topic: STATE,
    meaning: 'The project directory; must exist and be writable by the running uid (compose fixes it at `/workspace`).',
  },
  WORKSPACE_STRICT: { section: 'agent', topic: STATE, meaning: 'When true, a workspace that is not a mount point is an error (otherwise a warning).' },
  GIT_NAME: { section: 'agent', topic: STATE, defaultText: '(none)', meaning: 'git `user.name`, set in the global config when given.' },
  GIT_EMAIL: { section: 'agent', topic: STATE, defaultText: '(none)', meaning: 'git `user.email`, set in the global config when given.' },
  STATE_DIR: {
    section: 'agent',
    topic: STATE,
    meaning:
      "The agent's state (`CLAUDE_CONFIG_DIR`): login, settings, history, recordings. Mount a volume here; it must be writable by the agent's uid (agent mode refuses to start otherwise, exit 69).",
  },
  CREDENTIALS_FILE: {
    section: 'agent',
    topic: STATE,
    meaning: 'A read-only credentials file, copied into the state dir (see [Credentials and state](running.md#credentials-and-state)).',
  },
  SSH_DIR: {
    section: 'agent',
    topic: STATE,
    meaning: "A read-only `~/.ssh` from the host, copied into `~/.ssh` with the modes ssh demands (see [Credentials and state](running.md#credentials-and-state)).",
  },
  SSH_PORT: {
    section: 'agent',
    topic: SSH,
    defaultText: '(none: off)',
    meaning: "Serve SSH on this port: every key login lands in the agent's session (see [SSH](features.md#ssh)).",
  },
  SSH_HOST: { section: 'agent', topic: SSH, meaning: 'The address sshd listens on, inside the container.' },
  SSH_AUTHORIZED_KEYS: {
    section: 'agent',
    topic: SSH,
    meaning: 'Public keys that may log in (an `authorized_keys` list; options in it are replaced by ours).',
  },
  SSH_READONLY_KEYS: {
    section: 'agent',
    topic: SSH,
    meaning:
      'Public keys that log in read-only (`tmux attach -r`). `compose/ssh.yaml` reads the same name on the host as the file of those keys, and compose also passes that host path into the container, where it is wrong: see [Troubleshooting](troubleshooting.md#read-only-ssh-keys-with-compose).',
  },
  SSH_ON_AGENT_EXIT: {
    section: 'agent',
    topic: SSH,
    meaning: '`stay`: SSH clients stay attached and see the restarted agent. `end`: their connections end when the agent exits.',
  },
  RECORD: {
    section: 'agent',
    topic: RECORD,
    meaning: "Record the agent's terminal: one asciicast v2 file per agent run in the state dir (see [Recordings](features.md#recordings)).",
  },
  RECORD_MAX_MB: { section: 'agent', topic: RECORD, meaning: "The recordings' total size; the oldest are removed first, and one run keeps at most half of it." },
  TRANSCRIPT: {
    section: 'agent',
    topic: RECORD,
    meaning:
      'Claude only: each message of its conversation (role and text, secrets scrubbed, 4000 characters at most) as one `transcript {role, text}` event in `docker logs`.',
  },
  NOTIFY_URL: {
    section: 'agent',
    topic: OBSERVE,
    defaultText: '(none)',
    meaning: 'A URL that gets a POST when the agent starts waiting for input, needs permission, or crash-loops (see [Agent state](features.md#agent-state)).',
  },
  NOTIFY_SECRET: {
    section: 'agent',
    topic: OBSERVE,
    defaultText: '(none)',
    meaning: 'Signs each webhook body: `x-agentgate-signature: sha256=<HMAC-SHA256 hex>`.',
  },
  NOTIFY_FORMAT: {
    section: 'agent',
    topic: OBSERVE,
    meaning:
      "The webhook's body: `json` (the event's fields), `ntfy` (a POST to an [ntfy](https://ntfy.sh) topic URL: the text as the body, `Title`, `Tags`, `Priority` headers, and a decision's approve and deny links as `Actions`) or `slack` (a Slack incoming webhook's `{text, blocks}`, the links as buttons). See [Webhooks](features.md#webhooks).",
  },
  PUBLIC_URL: {
    section: 'agent',
    topic: OBSERVE,
    defaultText: '(none: no action links)',
    meaning:
      "Where a person's phone or browser reaches this container's health server (`AGENTGATE_HEALTH_HOST`/`AGENTGATE_HEALTH_PORT`, published, ideally behind HTTPS), such as `https://agents.example.com/myproject`. With it and `AGENTGATE_NOTIFY_URL`, each pending decision's webhook carries signed, single-use approve and deny links under this address, valid until the decision expires; without it no links are sent (see [Action links](features.md#action-links)).",
  },
  DECISION_WAIT_MS: {
    section: 'agent',
    topic: OBSERVE,
    meaning:
      "How long Claude's or Codex's permission request waits as a pending decision for a remote answer (`agentgate approve`/`deny`, the answer API); then the terminal's dialog alone decides, as without agentgate (Codex draws its dialog only then). `0` turns pending decisions off. At most 3540000 (the image gives the hook 3600 s).",
  },
  ANSWER_TOKEN_SHA256: {
    section: 'agent',
    topic: OBSERVE,
    defaultText: '(none: no remote answers)',
    meaning:
      "The SHA-256 (hex) of the token that answers pending decisions (`POST /decisions/ID`) and types prompts (`POST /prompt`), sent as `authorization: Bearer TOKEN`; without it neither is taken. Only the hash is in the container, so the agent, which can read it, still cannot answer its own requests. `agentgate up` sets it and keeps the token in a label on the host.",
  },
  RESUME: {
    section: 'agent',
    topic: PROMPT,
    defaultText: '`true` when the agent is a preset (with or without arguments), else `false`',
    meaning:
      "A restarted agent continues its conversation: Claude `--resume <id>` (the session id its SessionStart hook reported, kept in the state dir; only a UUID, Claude's own form, is kept), or `--continue`; Codex `resume --last`, Gemini `--resume latest`, OpenCode and Copilot `--continue`. A resumed run that ends within 10 s, with any exit code, 0 included, falls back once to a fresh session, with a warning. Only the presets know these flags.",
  },
  PROMPT: {
    section: 'agent',
    topic: PROMPT,
    defaultText: '(none)',
    meaning:
      'A first prompt for the agent, **typed into its session** as a person pasting it would, once the agent is ready; never put on its command line, so a prompt that starts with `-` (`--version`, a Markdown list `- fix ...`) is a prompt, not an option. Given once: when a run takes it, never again on a restart, and not again for a container re-created on the same state volume (a hash, never the text, is kept in the state dir). Its text is never logged, never in an event, never in `ps` and never shown in an error. See [The first prompt](features.md#the-first-prompt-typed-never-on-the-command-line).',
  },
  PROMPT_FILE: {
    section: 'agent',
    topic: PROMPT,
    defaultText: '(none)',
    meaning: 'The same, read from a file at start (a mounted file or a compose secret; a file that cannot be read fails the start, 69); only one of the two.',
  },
  EGRESS_SELFTEST: {
    section: 'agent',
    topic: EGRESS,
    meaning:
      '`on`: check the isolation in the background and report it in health; `strict`: before the agent starts, failing the start (69). `compose/egress.yaml` sets `on`. See [Egress proxy](features.md#egress-proxy).',
  },
  CREDENTIAL_URL: {
    section: 'agent',
    topic: EGRESS,
    defaultText: '(none; `compose/egress.yaml`: `http://egress:3129`)',
    meaning:
      "The egress proxy's credential endpoint. When the agent holds the placeholder instead of `ANTHROPIC_API_KEY` or `CLAUDE_CODE_OAUTH_TOKEN`, the supervisor points Claude's `ANTHROPIC_BASE_URL` here (and past `HTTP_PROXY`), and the proxy attaches the real credential; likewise Codex CLI (`openai_base_url` in its `config.toml`, to `/openai`) for `OPENAI_API_KEY`, and Gemini CLI (`GOOGLE_GEMINI_BASE_URL`, to `/gemini`) for `GEMINI_API_KEY`. See [Egress proxy](features.md#egress-proxy).",
  },
  GIT_CREDENTIAL_URL: {
    section: 'agent',
    topic: EGRESS,
    defaultText: '(none: git uses its own credentials)',
    meaning:
      "The egress proxy's git endpoint (`http://egress:3130` in compose). The supervisor asks it which hosts it holds tokens for and points git's `https://<host>/` URLs there (`url.<endpoint>/<host>/.insteadOf`, in `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`, git's last-read scope, which a config file mapping the same URL does not override); the token stays in the proxy. See [Git tokens held by the proxy](features.md#git-tokens-held-by-the-proxy).",
  },
  EGRESS_ASK_FEED_URL: {
    section: 'agent',
    topic: EGRESS,
    defaultText: '(none; `compose/egress.yaml`: `http://egress:3131`)',
    meaning:
      "The egress proxy's ask feed. With it, the supervisor follows the agent's own egress asks (a long poll) and shows them in health (`pendingEgressAsks`), `status`, `/events` and the webhook; it cannot answer them. See [Asking instead of denying](features.md#asking-instead-of-denying).",
  },
  EGRESS_PROBE: { section: 'agent', topic: EGRESS, meaning: 'An address outside the allowlist that the agent must not reach directly.' },
  PROJECT_DIR: {
    section: 'agent',
    topic: COMPOSE,
    defaultText: '(none; compose: the volume `agentgate-workspace`)',
    meaning:
      'Compose: the host directory mounted at the workspace, as you gave it (`make up PROJECT=...` resolves a relative one for you). A relative path is refused (compose would resolve it from `compose/`); a missing one, which Docker creates empty and root-owned, is named in the workspace error.',
  },
  PROXY_HOST: { section: 'proxy', topic: PROXY, meaning: 'Where the proxy listens.' },
  PROXY_PORT: { section: 'proxy', topic: PROXY, meaning: 'Its port.' },
  EGRESS_ALLOW: {
    section: 'proxy',
    topic: PROXY,
    defaultText: "(none: the agent's hosts, listed above)",
    meaning:
      'Allowed destinations: `host`, `host:port`, `*.domain` (subdomains, not the domain itself) or an IP address (`10.0.0.5:8080`, `[fd00::5]:443`), separated by commas, spaces or lines.',
  },
  CREDENTIAL_PORT: {
    section: 'proxy',
    topic: PROXY,
    meaning:
      "The proxy's credential endpoint (plain HTTP, for the internal network only): the agent's `ANTHROPIC_BASE_URL` points here, and each request is forwarded to `AGENTGATE_CREDENTIAL_UPSTREAM` with the agent's placeholder swapped for the `ANTHROPIC_API_KEY` or `CLAUDE_CODE_OAUTH_TOKEN` the proxy holds.",
  },
  CREDENTIAL_UPSTREAM: {
    section: 'proxy',
    topic: PROXY,
    meaning: "The one host the credential endpoint forwards Claude's requests to, and so the only host that ever receives the real `ANTHROPIC_API_KEY` or `CLAUDE_CODE_OAUTH_TOKEN`.",
  },
  CREDENTIAL_UPSTREAM_OPENAI: {
    section: 'proxy',
    topic: PROXY,
    meaning: "Where the credential endpoint's `/openai/` path leads (Codex CLI's API address behind the proxy), and so the only place that ever receives the `OPENAI_API_KEY` the proxy holds (as `Authorization: Bearer`).",
  },
  CREDENTIAL_UPSTREAM_GEMINI: {
    section: 'proxy',
    topic: PROXY,
    meaning: "Where the credential endpoint's `/gemini/` and `/google/` paths lead (Gemini CLI's API address behind the proxy, and OpenCode's `google` provider's), and so the only place that ever receives the `GEMINI_API_KEY` and `GOOGLE_API_KEY` (OpenCode's only) the proxy holds (as `x-goog-api-key`).",
  },
  CREDENTIAL_UPSTREAM_OPENROUTER: {
    section: 'proxy',
    topic: PROXY,
    meaning: "Where the credential endpoint's `/openrouter/` path leads (OpenCode's `openrouter` provider behind the proxy), and so the only place that ever receives the `OPENROUTER_API_KEY` the proxy holds (as `Authorization: Bearer`).",
  },
  CREDENTIAL_UPSTREAM_OPENCODE: {
    section: 'proxy',
    topic: PROXY,
    meaning: "Where the credential endpoint's `/opencode/` path leads (OpenCode Zen, `/v1`, and OpenCode Go, `/go/v1`, behind the proxy), and so the only place that ever receives the `OPENCODE_API_KEY` the proxy holds (as `Authorization: Bearer`, `x-api-key` or `x-goog-api-key`, as each Zen model's SDK sends it).",
  },
  CREDENTIAL_UPSTREAM_COPILOT: {
    section: 'proxy',
    topic: PROXY,
    defaultText: '(none)',
    meaning: "Where the credential endpoint's `/copilot-provider/` and `/copilot-provider-token/` paths lead: your own provider's `COPILOT_PROVIDER_BASE_URL` (Copilot CLI's API address behind the proxy; `compose/egress.yaml` and `agentgate up --egress` give it from `COPILOT_PROVIDER_BASE_URL`), and so the only place that ever receives the `COPILOT_PROVIDER_API_KEY` or `COPILOT_PROVIDER_BEARER_TOKEN` the proxy holds. With none, a request there gets 401 naming this variable.",
  },
  GIT_PORT: {
    section: 'proxy',
    topic: PROXY,
    meaning:
      "The git endpoint (plain HTTP, for the internal network only), listening only when the proxy holds a git token: `/<host>/<path>` is forwarded over TLS to `https://<host>/<path>` with `Authorization: Basic` (username, the token as password), for the hosts with a token only.",
  },
  GIT_CREDENTIALS_FILE: {
    section: 'proxy',
    topic: PROXY,
    defaultText: '(none)',
    meaning:
      'Git tokens in a file (a secret mounted into the proxy): one `host[:port] token [username]` per line, `#` comments; a line wins over an `AGENTGATE_GIT_TOKEN_<HOST>` variable for the same host. An unreadable file or a bad line stops the start.',
  },
  GIT_USERNAME: {
    section: 'proxy',
    topic: PROXY,
    meaning: "The username sent with a token (GitHub's for tokens; GitLab takes any; Bitbucket's repository tokens want `x-token-auth`, given per host in the file).",
  },
  EGRESS_ALLOW_FILE: {
    section: 'proxy',
    topic: PROXY,
    meaning: 'More entries, one or more per line, `#` comments; re-read when it changes and on SIGHUP, without restarting anything. With `AGENTGATE_EGRESS_ASK=on`, an "always" answer appends `host:port` here (the file must then be writable by the proxy).',
  },
  EGRESS_ASK: {
    section: 'proxy',
    topic: PROXY,
    meaning:
      '`on`: a request to an unlisted host whose addresses are all public waits for an answer (`GET /egress/decisions`, `POST /egress/decisions/ID` on the health port with the answer token, or `agentgate approve|deny ID` in the proxy\'s container) instead of a 403: once, for this agent, always (written to the allow file), or deny. Private, loopback and link-local destinations are never asked about. See [Asking instead of denying](features.md#asking-instead-of-denying).',
  },
  EGRESS_ASK_WAIT_MS: {
    section: 'proxy',
    topic: PROXY,
    meaning: 'How long a held request waits for an answer before it is denied (403) as an unlisted host is.',
  },
  EGRESS_ASK_FEED_PORT: {
    section: 'proxy',
    topic: PROXY,
    meaning:
      'With `AGENTGATE_EGRESS_ASK=on`: the ask feed (plain HTTP, read only, for the internal network), `GET /asks?since=VERSION`: the caller\'s own asks, found by its address, as a long poll. Answering needs the answer token on the health port.',
  },
};

/** A variable outside the schema: read on the host, set by the supervisor for the agent, or read from the environment. */
export interface OtherVariable {
  name: string;
  defaultText: string;
  meaning: string;
}

/** Read on the host by compose, the Makefile, the stack or the agentgate command; the supervisor knows the AGENTGATE_ ones (no misspelling warning). */
export const HOST_VARIABLES: readonly OtherVariable[] = [
  { name: 'AGENTGATE_UID', defaultText: '`1000`', meaning: "Compose: the uid the agent runs as, the owner of your project's files. The home (a tmpfs) and the state volume follow it; SSH works only for 1000. (`agentgate up` runs the agent as the directory's owner by itself.)" },
  { name: 'AGENTGATE_GID', defaultText: '`1000`', meaning: 'The gid the agent runs as.' },
  { name: 'AGENTGATE_CPUS', defaultText: '`1` (`make up`: up to 2, never more than the host has)', meaning: "Compose's CPU limit; Docker refuses more than the host has. `agentgate up` takes `--cpus` instead." },
  { name: 'AGENTGATE_MEMORY', defaultText: '`4g`', meaning: "Compose's memory limit (`agentgate up`: `--memory`). Below the agent's floor (512 MiB for Claude, Gemini CLI, OpenCode and Copilot CLI, 256 MiB for Codex, 128 MiB for any other command line) the supervisor warns at start." },
  { name: 'AGENTGATE_IMAGE', defaultText: '`agentgate/agent:latest`', meaning: 'The image compose and the stack run (`make ... IMAGE=` sets it).' },
  { name: 'AGENTGATE_NAME', defaultText: '(none)', meaning: 'Known to the supervisor so that it is not reported as a misspelling; the Makefile takes the project name from `NAME=` instead.' },
  { name: 'CLAUDE_CREDENTIALS_FILE', defaultText: '(none)', meaning: 'A credentials file (e.g. `~/.claude/.credentials.json`) given to the agent as a compose secret.' },
  { name: 'ANTHROPIC_API_KEY', defaultText: '(none)', meaning: 'Passed through to the agent when set in your shell; never logged. With `compose/egress.yaml` it goes to the proxy only, and the agent gets a placeholder.' },
  { name: 'CLAUDE_CODE_OAUTH_TOKEN', defaultText: '(none)', meaning: 'The same, for a Claude subscription token (with `compose/egress.yaml`, the proxy holds it too).' },
  { name: 'AGENTGATE_SSH_KEYS', defaultText: '(required by `compose/ssh.yaml`)', meaning: 'The public key file whose keys may log in over SSH.' },
  { name: 'AGENTGATE_SSH_BIND', defaultText: '`127.0.0.1`', meaning: "`compose/ssh.yaml`: the host address SSH is published on (the host's loopback only by default)." },
  { name: 'AGENTGATE_SSH_PUBLISH', defaultText: '`2222`', meaning: '`compose/ssh.yaml`: the host port SSH is published on.' },
  { name: 'AGENTGATE_GPUS', defaultText: '`all`', meaning: '`compose/gpu.yaml`: how many GPUs to reserve.' },
  { name: 'AGENTGATE_REPLICAS', defaultText: '`1`', meaning: '`compose/stack.yaml`: the number of agents (replicas).' },
  { name: 'AGENTGATE_ANSWER_TOKEN', defaultText: '(none)', meaning: '`agentgate approve`/`deny`/`prompt` in the container: the answer token (whose hash is `AGENTGATE_ANSWER_TOKEN_SHA256`). The host command gives it to a `docker exec` that runs as root, so the agent cannot read it.' },
  { name: 'NODE_IMAGE', defaultText: '`node:24-alpine` (the Makefile: `local/node:24-bookworm-slim` when that image exists)', meaning: 'The base image of the build.' },
  { name: 'CLAUDE_CODE_VERSION', defaultText: "the Dockerfile's `ARG CLAUDE_CODE_VERSION`", meaning: 'The Claude Code CLI version built into the image (`none`: no Claude Code); an empty value does not override the default.' },
  { name: 'AGENTS', defaultText: '`claude`', meaning: 'Build argument (`make image AGENTS=...`, `docker build --build-arg AGENTS=...`): the agents built into the image, comma-separated, from `claude`, `codex`, `gemini`, `opencode`, `copilot` (versions pinned in `docker/Dockerfile`). Without `claude` there is no Claude Code; an unknown name fails the build. `docker buildx bake agent-all` builds every agent. See [Running](running.md#with-agentgate).' },
  { name: 'CODEX_VERSION', defaultText: "the Dockerfile's `ARG CODEX_VERSION`", meaning: 'Build argument (`docker build --build-arg`; make does not pass it): the Codex CLI version built in when `AGENTS` names it.' },
  { name: 'GEMINI_CLI_VERSION', defaultText: "the Dockerfile's `ARG GEMINI_CLI_VERSION`", meaning: 'Build argument (`docker build --build-arg`; make does not pass it): the Gemini CLI version built in when `AGENTS` names it.' },
  { name: 'OPENCODE_VERSION', defaultText: "the Dockerfile's `ARG OPENCODE_VERSION`", meaning: 'Build argument (`docker build --build-arg`; make does not pass it): the OpenCode version built in when `AGENTS` names it.' },
  { name: 'COPILOT_VERSION', defaultText: "the Dockerfile's `ARG COPILOT_VERSION`", meaning: 'Build argument (`docker build --build-arg`; make does not pass it): the Copilot CLI version built in when `AGENTS` names it.' },
  { name: 'NPM_CONFIG_REGISTRY', defaultText: '`npm config get registry`', meaning: 'The npm registry the build installs from.' },
  { name: 'AGENTGATE_HOME', defaultText: '`~/.agentgate`', meaning: 'The `agentgate` command: where `up` keeps the clones of git URLs (`repos/`) and the worktrees of `--worktrees` (`worktrees/`).' },
  { name: 'DOCKER_HOST', defaultText: '`unix:///var/run/docker.sock`', meaning: "The `agentgate` command: the engine it talks to (`unix://`, `tcp://`, `npipe://`; Podman's Docker-compatible socket works too)." },
];

/** Set by the supervisor in the agent's environment. */
export const AGENT_VARIABLES: readonly OtherVariable[] = [
  { name: 'AGENTGATE_RUN_ID', defaultText: '(one per run)', meaning: "Marks every process of one agent run, so that a restart kills the run's leftovers (daemons included) and never a process people started." },
  { name: 'AGENTGATE_HOOK_URL', defaultText: '(set by the supervisor)', meaning: "Where Claude's hooks (`agentgate-hook`) report: `POST /hooks` on the health server." },
  { name: 'AGENTGATE_HOOK_TOKEN', defaultText: '(set by the supervisor)', meaning: 'The token those posts must carry (403 without it).' },
];

/** Read by the supervisor from its environment, outside the AGENTGATE_ prefix. */
export const READ_VARIABLES: readonly OtherVariable[] = [
  { name: 'AGENTGATE_GIT_TOKEN_<HOST>', defaultText: '(none)', meaning: "`agentgate proxy`: a git host's token, for its git endpoint (`AGENTGATE_GIT_PORT`). The host is in the name: letters and digits as they are (any case), `_` for a `.`, `__` for a `-`, and `___` then digits at the end for a port: `AGENTGATE_GIT_TOKEN_GITHUB_COM` is github.com, `AGENTGATE_GIT_TOKEN_MY__GIT_EXAMPLE_ORG___8443` my-git.example.org:8443. Give it to the proxy only." },
  { name: 'NODE_EXTRA_CA_CERTS', defaultText: '(none)', meaning: "`agentgate proxy`: a PEM file of more CAs it trusts for the git hosts and `AGENTGATE_CREDENTIAL_UPSTREAM` (a company's git server with its own CA). Node's own variable; the image sets it to the system's bundle, `/etc/ssl/certs/ca-certificates.crt`: a file of yours replaces that (Node's built-in CAs stay), so put the system's in it too if you need them." },
  { name: 'NODE_OPTIONS', defaultText: '(none)', meaning: "Node's own variable: when set, the image's entry starts the supervisor from its bundle instead of its startup snapshot (V8 flags other than the build's make Node 20 and 22 refuse the snapshot), a little slower; see Start-up in [the reference](reference.md#health)." },
  { name: 'NODE_DEBUG', defaultText: '(none)', meaning: "Node's own variable: as `NODE_OPTIONS`, when set the image's entry starts the supervisor from its bundle, where a dependency's debug output that reads it at import works (in a blob, that import ran at build)." },
  { name: 'MALLOC_MMAP_THRESHOLD_', defaultText: '131072 (the supervisor only)', meaning: "glibc's own variable (musl, in the Alpine image, ignores it): the image's entry sets it for node when you have not (glibc's default, fixed, which keeps 1.4 to 4.4 MiB of freed start-up memory from staying resident on a Debian base) and the supervisor removes it before starting anything, so the agent never gets it; a value you set is left alone, for the supervisor and the agent. See Memory in [the reference](reference.md#health)." },
  { name: 'AGENTGATE_ENTRY_MALLOC', defaultText: '(set by the entry)', meaning: 'Internal: `1` when the image\'s entry set `MALLOC_MMAP_THRESHOLD_` itself; the supervisor then removes both from the environment. Not for you to set.' },
  { name: 'ANTHROPIC_AUTH_TOKEN', defaultText: '(none)', meaning: 'With `ANTHROPIC_API_KEY` and `CLAUDE_CODE_OAUTH_TOKEN`: any of them counts as a credential, so the supervisor does not report `needs login`.' },
  { name: 'HTTPS_PROXY', defaultText: '(none)', meaning: 'The proxy the egress self-test expects to answer (or `https_proxy`); `compose/egress.yaml` sets it with `HTTP_PROXY` and `NO_PROXY`.' },
  { name: 'no_proxy', defaultText: '(none)', meaning: 'With `NO_PROXY`: when the agent holds a placeholder credential, the supervisor adds the credential endpoint\'s host to both, so Claude reaches it straight.' },
  { name: 'CLAUDE_CONFIG_DIR', defaultText: 'the state dir', meaning: "Claude's configuration directory, given to the agent; set it only to move it away from `AGENTGATE_STATE_DIR`." },
  { name: 'CODEX_HOME', defaultText: '`$AGENTGATE_STATE_DIR/codex`', meaning: "Codex CLI's login, config and sessions (created at start: Codex refuses a missing one); set it only to move them out of the state volume." },
  { name: 'GEMINI_CLI_HOME', defaultText: '`$AGENTGATE_STATE_DIR/gemini`', meaning: "Gemini CLI's home: its login, settings and chats are in `.gemini` under it." },
  { name: 'GOOGLE_GENAI_USE_VERTEXAI', defaultText: '(none)', meaning: '`true`: Gemini CLI uses Vertex AI, which counts as a credential (no `needs login`); `GEMINI_API_KEY` and `GOOGLE_API_KEY` count too.' },
  { name: 'COPILOT_HOME', defaultText: '`$AGENTGATE_STATE_DIR/copilot`', meaning: "Copilot CLI's config, login (without a keychain) and sessions." },
  { name: 'XDG_DATA_HOME', defaultText: '`$AGENTGATE_STATE_DIR/opencode/data` (OpenCode only)', meaning: "Given to OpenCode alone, with `XDG_CONFIG_HOME` and `XDG_STATE_HOME` under `$AGENTGATE_STATE_DIR/opencode`: OpenCode keeps its login (`auth.json`), sessions and config there." },
  { name: 'HOME', defaultText: '`/home/agentgate`', meaning: "The agent's home (a tmpfs in compose); when it is read-only, git's global config moves to a writable `GIT_CONFIG_GLOBAL`." },
  { name: 'GIT_CONFIG_GLOBAL', defaultText: '`$HOME/.gitconfig`', meaning: "git's global config, where the supervisor writes `safe.directory` and the git name and email." },
  { name: 'TMUX_TMPDIR', defaultText: '`/tmp`', meaning: "Where tmux's socket and the supervisor's `agentgate/health-url` file live; each container needs its own." },
  { name: 'TMPDIR', defaultText: '`/tmp`', meaning: 'Where a writable git config (`agentgate-git/gitconfig`, which includes `~/.gitconfig`) goes when HOME is read-only.' },
  { name: 'PATH', defaultText: '`/usr/local/bin:/usr/bin:/bin`', meaning: "Where the agent's program, tmux and sshd are looked for." },
  { name: 'LANG', defaultText: '`C.UTF-8`', meaning: "The agent's locale." },
  { name: 'KUBERNETES_SERVICE_HOST', defaultText: '(set by Kubernetes)', meaning: 'When set, the attach command the supervisor prints is `kubectl exec`, not `docker exec`.' },
  { name: 'SSH_ORIGINAL_COMMAND', defaultText: '(set by sshd)', meaning: 'A command asked for over SSH; it is refused with a message (logins get the session only).' },
];
