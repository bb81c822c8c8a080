import type { Manifest } from './k8s-manifests.js';

/** Free-form pieces of a rendered pod spec. */
type Json = { [key: string]: any };

/**
 * The pod a StatefulSet's controller would make (<name>-0), as a Pod manifest: its template unchanged, and each
 * volumeClaimTemplate mounted as the claim the controller would create (<claim>-<statefulset>-0).
 */
export function podOfStatefulSet(sts: Manifest): { pod: Manifest; claims: string[] } {
  const spec = structuredClone(sts.spec.template.spec) as Json;
  const claims: string[] = [];
  for (const template of (sts.spec.volumeClaimTemplates ?? []) as Json[]) {
    const claimName = `${template.metadata.name}-${sts.metadata.name}-0`;
    claims.push(claimName);
    spec.volumes.push({ name: template.metadata.name, persistentVolumeClaim: { claimName } });
  }
  const pod: Manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${sts.metadata.name}-0`, labels: sts.spec.template.metadata.labels }, spec };
  return { pod, claims };
}

/**
 * `docker run` arguments that carry out one container of a pod spec as the kubelet would: its user and groups
 * (fsGroup as a supplementary group), securityContext, limits, env (secret references resolved from the given
 * Secrets) and volumes (each a named volume `<prefix>-<volume name>`, which the caller prepares as the kubelet
 * does; mounted with nocopy, since a new volume of the kubelet's starts empty, not with the image's files). The probes are left to the caller, who runs them with docker exec.
 */
export function dockerRunArgs(pod: Manifest, options: { volumePrefix: string; secrets: Manifest[]; uid: number; gid: number }): string[] {
  const spec = pod.spec as Json;
  const [container] = spec.containers as Json[];
  if (!container) throw new Error('the pod has no container');
  const sc = container.securityContext as Json;
  const args: string[] = ['--user', `${spec.securityContext.runAsUser ?? options.uid}:${spec.securityContext.runAsGroup ?? options.gid}`];
  const fsGroup = spec.securityContext.fsGroup ?? options.gid;
  args.push('--group-add', String(fsGroup));
  if (sc.readOnlyRootFilesystem) args.push('--read-only');
  for (const cap of sc.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  if (sc.privileged) throw new Error('a privileged container is not what the chart renders');
  const limits = container.resources?.limits ?? {};
  if (limits.memory) args.push('--memory', String(limits.memory).replace(/i$/, '').toLowerCase());
  if (limits.cpu) args.push('--cpus', String(limits.cpu).endsWith('m') ? String(Number.parseInt(limits.cpu, 10) / 1000) : String(limits.cpu));
  args.push('--stop-timeout', String(spec.terminationGracePeriodSeconds));
  for (const env of container.env as Json[]) {
    if ('value' in env) args.push('-e', `${env.name}=${env.value}`);
    const ref = env.valueFrom?.secretKeyRef;
    if (ref) {
      const secret = options.secrets.find((s) => s.metadata.name === ref.name);
      const value = secret?.data?.[ref.key];
      if (value !== undefined) args.push('-e', `${env.name}=${Buffer.from(value, 'base64').toString()}`);
      else if (!ref.optional) throw new Error(`secret ${ref.name}/${ref.key} is missing and not optional`);
    }
  }
  for (const mount of container.volumeMounts as Json[]) {
    const volume = (spec.volumes as Json[]).find((v) => v.name === mount.name);
    if (!volume) throw new Error(`volumeMount ${mount.name} names no volume`);
    if (volume.secret) continue; // files from Secrets: the test passes the credentials through env instead
    args.push('-v', `${options.volumePrefix}-${mount.name}:${mount.mountPath}:${mount.readOnly ? 'ro,' : ''}nocopy`);
  }
  return args;
}
