/**
 * How people run a command in this container, for the hints in the log and in error messages: `kubectl exec`
 * in a Kubernetes pod (the kubelet always sets KUBERNETES_SERVICE_HOST), `docker exec` everywhere else. `host`
 * is the container's hostname: the pod's or the container's name. (The chart's annotation and NOTES give the
 * command with the namespace.)
 */
export function execCommand(env: Record<string, string | undefined>, host: string, command: string): string {
  return env.KUBERNETES_SERVICE_HOST ? `kubectl exec -it ${host} -- ${command}` : `docker exec -it ${host} ${command}`;
}
