import { realpathSync } from 'node:fs';
import type Docker from 'dockerode';
import { CliError } from '../errors.js';
import { LABEL } from '../labels.js';
import { containerName } from '../names.js';

/** An agent container as the engine lists it, with what its own labels say. */
export interface AgentContainer {
  id: string;
  /** The agent's name: its agentgate.name, compose project, Swarm task, or container name. */
  name: string;
  container: string;
  kind: 'agentgate' | 'compose' | 'swarm' | 'container';
  running: boolean;
  /** Docker's own status line: "Up 3 minutes (healthy)", "Exited (0) ...". */
  dockerState: string;
  /** Docker's health status when the container has one (healthy, unhealthy, starting), else its state. */
  health: string;
  workspace: string | null;
  stateVolume: string | null;
  attach: string;
  agent: string;
  createdAtMs: number;
}

/**
 * Every container of the agent image on the engine, running or not, whoever made it. A label inherited from
 * the image (an image built by compose carries its project's label) says nothing about the container: only
 * labels whose value differs from the image's count.
 */
export async function listAgents(docker: Docker): Promise<AgentContainer[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=agent`] } });
  const imageLabels = new Map<string, Promise<Record<string, string>>>();
  const labelsOf = (imageId: string) => {
    if (!imageLabels.has(imageId)) imageLabels.set(imageId, docker.getImage(imageId).inspect().then((i) => i.Config?.Labels ?? {}, () => ({})));
    return imageLabels.get(imageId) as Promise<Record<string, string>>;
  };
  // compose's state-init (a one-off that prepares the volumes) carries the image's role label where it was
  // created before compose.yaml labelled it `setup`: it is not an agent, and shares the agent's project name.
  const agents = listed.filter((c) => c.Labels['com.docker.compose.service'] !== 'state-init');
  return Promise.all(agents.map(async (c) => describe(c, await labelsOf(c.ImageID))));
}

function describe(c: Docker.ContainerInfo, fromImage: Record<string, string>): AgentContainer {
  const own = (key: string): string | undefined => {
    const value = c.Labels[key];
    return value !== undefined && value !== fromImage[key] ? value : undefined;
  };
  const container = (c.Names[0] ?? c.Id).replace(/^\//, '');
  const project = own(LABEL.composeProject);
  const task = own(LABEL.swarmTask);
  const cliName = own(LABEL.name);
  const kind = cliName ? 'agentgate' : project ? 'compose' : own(LABEL.swarmService) ? 'swarm' : 'container';
  const mount = c.Mounts.find((m) => m.Destination === '/workspace');
  const workspace = own(LABEL.workspace) ?? (mount ? (mount.Type === 'bind' ? mount.Source : `volume ${mount.Name}`) : null);
  const attach = cliName
    ? `agentgate attach ${cliName}`
    : project
      ? `docker compose -p ${project} exec ${own('com.docker.compose.service') ?? 'agent'} agentgate attach`
      : `docker exec -it ${container} agentgate attach`;
  return {
    id: c.Id,
    name: cliName ?? project ?? task ?? container,
    container,
    kind,
    running: c.State === 'running',
    dockerState: c.Status,
    health: /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace('health: ', '') ?? c.State,
    workspace,
    stateVolume: own(LABEL.stateVolume) ?? c.Mounts.find((m) => m.Destination === '/home/agentgate/.claude')?.Name ?? null,
    attach,
    agent: own(LABEL.agent) ?? 'claude',
    createdAtMs: c.Created * 1000,
  };
}

/**
 * The agent a user named: its name, its container's name, or a container id prefix; or, for an absolute path,
 * the agent that works on that directory (make's PROJECT=: a directory's base name may be another agent's name).
 */
export async function findAgent(docker: Docker, name: string): Promise<AgentContainer> {
  const agents = await listAgents(docker);
  if (name.startsWith('/')) return agentOnDirectory(agents, name);
  const found =
    agents.find((a) => a.name === name) ??
    agents.find((a) => a.container === name || a.container === containerName(name)) ??
    (name.length >= 4 ? agents.find((a) => a.id.startsWith(name)) : undefined);
  if (found) return found;
  const known = agents.map((a) => a.name).sort();
  throw new CliError(`no agent named ${JSON.stringify(name)} on this engine`, 1, known.length > 0 ? `agents here: ${known.join(', ')}` : 'start one: agentgate up [DIR]');
}

function agentOnDirectory(agents: AgentContainer[], dir: string): AgentContainer {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  const wanted = real(dir);
  const on = agents.filter((a) => a.workspace !== null && a.workspace.startsWith('/') && real(a.workspace) === wanted);
  if (on.length === 1) return on[0] as AgentContainer;
  if (on.length > 1) throw new CliError(`${on.length} agents work on ${dir}: ${on.map((a) => a.name).join(', ')}`, 1, 'give the one you mean by its name');
  const known = agents.filter((a) => a.workspace !== null).map((a) => `${a.name} (${a.workspace})`).sort();
  throw new CliError(`no agent works on ${dir}`, 1, known.length > 0 ? `agents here: ${known.join(', ')}; start one there: agentgate up ${dir}` : `start one: agentgate up ${dir}`);
}
