import type Docker from 'dockerode';
import { STATE_DIR } from '../agent-spec.js';
import { CliError } from '../errors.js';

/** The uid the image's files (and a new volume's copy of them) belong to. */
const IMAGE_UID = 1000;

/**
 * The agent's state volume, owned by the uid it runs as. A new volume is a copy of the image's directory,
 * owned by 1000; for any other uid a one-shot container chowns it: root with only the capabilities chown
 * needs, no network, a read-only root, as compose's state-init does.
 */
export async function prepareStateVolume(docker: Docker, options: { volume: string; image: string; uid: number; gid: number; agentName: string }): Promise<'created' | 'kept'> {
  const existed = await docker.getVolume(options.volume).inspect().then(() => true, () => false);
  if (!existed) await docker.createVolume({ Name: options.volume, Labels: { 'agentgate.state-of': options.agentName } });
  if (options.uid === IMAGE_UID && options.gid === IMAGE_UID && !existed) return 'created';
  const owner = `${options.uid}:${options.gid}`;
  const init = await docker.createContainer({
    Image: options.image,
    User: '0:0',
    Entrypoint: ['/bin/sh', '-c'],
    // Docker copies the image's directory into an empty volume at every mount, and gives the volume that
    // directory's owner (1000): mounted where the agent mounts it, the copy happens here first, and a file
    // left in the volume keeps it from happening again at the agent's mount.
    // (root owns it for a moment to write that file: it has no capability to write into another uid's directory.)
    Cmd: [`chown 0:0 "${STATE_DIR}" && touch "${STATE_DIR}/.agentgate-volume" && chown -R "${owner}" "${STATE_DIR}" && chmod 0700 "${STATE_DIR}"`],
    Labels: { 'agentgate.role': 'state-init' },
    NetworkDisabled: true,
    HostConfig: {
      Binds: [`${options.volume}:${STATE_DIR}`],
      ReadonlyRootfs: true,
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'FOWNER', 'DAC_READ_SEARCH'],
      SecurityOpt: ['no-new-privileges:true'],
      AutoRemove: false,
    },
  });
  try {
    await init.start();
    const { StatusCode } = (await init.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new CliError(`preparing the state volume ${options.volume} for uid ${owner} failed (exit ${StatusCode})`, 1, `remove it (docker volume rm ${options.volume}) and run up again`);
  } finally {
    await init.remove({ force: true }).catch(() => undefined);
  }
  return existed ? 'kept' : 'created';
}

export { STATE_DIR };
