/**
 * The labels that describe an agent container. Finding agents uses these alone (no host database), so `ls`
 * works after a reboot and beside compose. `agentgate.role` comes with the image; the rest are set on the
 * container by whoever made it.
 */
export const LABEL = {
  role: 'agentgate.role',
  name: 'agentgate.name',
  workspace: 'agentgate.workspace',
  stateVolume: 'agentgate.state-volume',
  createdBy: 'agentgate.created-by',
  attach: 'agentgate.attach',
  agent: 'agentgate.agent',
  /** The token that answers the agent's pending decisions: on the host only (the container has its hash). */
  answerToken: 'agentgate.answer-token',
  composeProject: 'com.docker.compose.project',
  swarmService: 'com.docker.swarm.service.name',
  swarmTask: 'com.docker.swarm.task.name',
} as const;

export const CREATED_BY_CLI = 'agentgate-cli';
