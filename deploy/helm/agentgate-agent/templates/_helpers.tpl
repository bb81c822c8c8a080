{{/* The chart's name, and the release-scoped base name every object starts with (63 characters at most). */}}
{{- define "agentgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "agentgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* One agent's object name: the StatefulSet, its Service; the pod is this with -0. */}}
{{- define "agentgate.agentName" -}}
{{- printf "%s-%s" (include "agentgate.fullname" .root) .agent.name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "agentgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Every object's labels; pods add their selector's (which carry name and instance). */}}
{{- define "agentgate.labels" -}}
app.kubernetes.io/name: {{ include "agentgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "agentgate.commonLabels" . }}
{{- end -}}

{{- define "agentgate.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ default .Chart.AppVersion .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agentgate
{{- end -}}

{{/* Selects one agent's pod: stable across upgrades (a StatefulSet's selector cannot change). */}}
{{- define "agentgate.agentSelector" -}}
app.kubernetes.io/name: {{ include "agentgate.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: agent
agentgate.dev/agent: {{ .agent.name }}
{{- end -}}

{{/* Selects every agent pod of the release (NetworkPolicy). */}}
{{- define "agentgate.allAgentsSelector" -}}
app.kubernetes.io/name: {{ include "agentgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end -}}

{{- define "agentgate.egressSelector" -}}
app.kubernetes.io/name: {{ include "agentgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: egress-proxy
{{- end -}}

{{- define "agentgate.credentialsSecret" -}}
{{- default (printf "%s-credentials" (include "agentgate.fullname" .)) .Values.credentials.existingSecret -}}
{{- end -}}

{{- define "agentgate.sshSecret" -}}
{{- default (printf "%s-ssh" (include "agentgate.fullname" .)) .Values.ssh.existingSecret -}}
{{- end -}}

{{/* The kernel and the runtime may not add privileges: the same hardening as compose, for every container. */}}
{{- define "agentgate.containerSecurityContext" -}}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
One agent's pod spec, shared by the StatefulSet and the SandboxTemplate. Called with
dict "root" $ "agent" <the agent's values merged over agentDefaults>.
*/}}
{{- define "agentgate.podSpec" -}}
{{- $root := .root -}}
{{- $a := .agent -}}
{{- $v := $root.Values -}}
{{- $egressService := printf "%s-egress" (include "agentgate.fullname" $root) -}}
{{- $egressEnv := $egressService | upper | replace "-" "_" -}}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
# The agent has no business with the Kubernetes API, nor with the namespace's services' addresses.
automountServiceAccountToken: false
enableServiceLinks: {{ $v.egress.enabled }}
{{- with $a.runtimeClassName }}
runtimeClassName: {{ . }}
{{- end }}
# The supervisor's whole stop budget (grace + 2 s cleanup): the kubelet's SIGKILL never cuts a stop short.
terminationGracePeriodSeconds: {{ div (add (int $a.stopTimeoutMs) 999) 1000 }}
{{- if $v.egress.enabled }}
# No resolver at all: the proxy resolves names, so nothing leaks through DNS (as compose's dns 127.0.0.1).
dnsPolicy: None
dnsConfig:
  nameservers: [127.0.0.1]
{{- end }}
securityContext:
  runAsNonRoot: true
  {{- if not (kindIs "invalid" $a.uid) }}
  runAsUser: {{ $a.uid }}
  {{- end }}
  {{- if not (kindIs "invalid" $a.gid) }}
  runAsGroup: {{ $a.gid }}
  fsGroup: {{ $a.gid }}
  {{- end }}
  fsGroupChangePolicy: OnRootMismatch
  seccompProfile:
    type: RuntimeDefault
{{- with $a.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $a.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $a.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: agent
    image: {{ include "agentgate.image" $root }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    securityContext:
      {{- include "agentgate.containerSecurityContext" . | nindent 6 }}
    env:
      - { name: AGENTGATE_AGENT, value: {{ $a.program | quote }} }
      {{- with $a.args }}
      - { name: AGENTGATE_AGENT_ARGS, value: {{ . | quote }} }
      {{- end }}
      - { name: AGENTGATE_WORKSPACE, value: /workspace }
      - { name: AGENTGATE_STATE_DIR, value: /home/agentgate/.claude }
      - { name: AGENTGATE_STOP_TIMEOUT_MS, value: {{ int $a.stopTimeoutMs | quote }} }
      # A start that needs a fix waits, alive but not ready, with the reason in `kubectl describe`'s probe
      # events, instead of a CrashLoopBackOff.
      - { name: AGENTGATE_ON_START_ERROR, value: wait }
      - { name: AGENTGATE_CREDENTIALS_FILE, value: /run/secrets/agentgate/claude_credentials }
      - name: ANTHROPIC_API_KEY
        valueFrom:
          secretKeyRef: { name: {{ include "agentgate.credentialsSecret" $root }}, key: ANTHROPIC_API_KEY, optional: true }
      {{- if $v.ssh.enabled }}
      - { name: AGENTGATE_SSH_PORT, value: "2222" }
      - { name: AGENTGATE_SSH_AUTHORIZED_KEYS, value: /run/secrets/agentgate-ssh/authorized_keys }
      - { name: AGENTGATE_SSH_READONLY_KEYS, value: /run/secrets/agentgate-ssh/readonly_keys }
      {{- end }}
      {{- if $v.egress.enabled }}
      # The proxy's Service address from the kubelet's service variables: no DNS needed to reach it.
      {{- range list "HTTPS_PROXY" "HTTP_PROXY" "https_proxy" "http_proxy" }}
      - { name: {{ . }}, value: "http://$({{ $egressEnv }}_SERVICE_HOST):3128" }
      {{- end }}
      - { name: NO_PROXY, value: "localhost,127.0.0.1,::1" }
      - { name: no_proxy, value: "localhost,127.0.0.1,::1" }
      - { name: AGENTGATE_EGRESS_SELFTEST, value: "on" }
      {{- end }}
      {{- range $name, $value := $a.env }}
      - { name: {{ $name }}, value: {{ $value | toString | quote }} }
      {{- end }}
    {{- if $v.ssh.enabled }}
    ports:
      - { name: ssh, containerPort: 2222, protocol: TCP }
    {{- end }}
    resources:
      {{- toYaml $a.resources | nindent 6 }}
    # Exec probes: health listens on the pod's loopback only, which an HTTP probe (the pod IP) cannot reach.
    # Alive: the supervisor answers (an agent that crash-loops or waits for a fix is not a reason to restart
    # the pod). Ready: the agent runs and is healthy.
    startupProbe:
      exec: { command: [agentgate, health, --live] }
      periodSeconds: 1
      timeoutSeconds: 5
      failureThreshold: 60
    livenessProbe:
      exec: { command: [agentgate, health, --live] }
      periodSeconds: 10
      timeoutSeconds: 5
      failureThreshold: 3
    readinessProbe:
      exec: { command: [agentgate, health] }
      periodSeconds: 10
      timeoutSeconds: 5
      failureThreshold: 2
    volumeMounts:
      - { name: workspace, mountPath: /workspace }
      - { name: state, mountPath: /home/agentgate/.claude }
      - { name: tmp, mountPath: /tmp }
      - { name: home, mountPath: /home/agentgate }
      - { name: credentials, mountPath: /run/secrets/agentgate, readOnly: true }
      {{- if $v.ssh.enabled }}
      - { name: ssh-keys, mountPath: /run/secrets/agentgate-ssh, readOnly: true }
      {{- end }}
volumes:
  # One /tmp per pod and container: two supervisors on one /tmp are refused (one tmux socket).
  - name: tmp
    emptyDir: { sizeLimit: {{ $a.tmpSizeLimit }} }
  - name: home
    emptyDir: { sizeLimit: {{ $a.homeSizeLimit }} }
  - name: credentials
    secret: { secretName: {{ include "agentgate.credentialsSecret" $root }}, optional: true, defaultMode: 0440 }
  {{- if $v.ssh.enabled }}
  - name: ssh-keys
    secret: { secretName: {{ include "agentgate.sshSecret" $root }}, optional: true, defaultMode: 0440 }
  {{- end }}
  {{- if $a.workspace.existingClaim }}
  - name: workspace
    persistentVolumeClaim: { claimName: {{ $a.workspace.existingClaim }} }
  {{- end }}
  {{- if $a.state.existingClaim }}
  - name: state
    persistentVolumeClaim: { claimName: {{ $a.state.existingClaim }} }
  {{- end }}
{{- end -}}

{{/* The claims for an agent's workspace and state, where no existing claim is named. */}}
{{- define "agentgate.volumeClaimTemplates" -}}
{{- $a := .agent -}}
{{- range $name := list "workspace" "state" }}
{{- $vol := get $a $name }}
{{- if not $vol.existingClaim }}
- metadata:
    name: {{ $name }}
  spec:
    accessModes: {{ toYaml $vol.accessModes | nindent 6 }}
    {{- with $vol.storageClassName }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ $vol.size }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The agents: each entry merged over agentDefaults. Returns a YAML list; use with fromYamlArray. */}}
{{- define "agentgate.agents" -}}
{{- $out := list -}}
{{- range $i, $agent := .Values.agents -}}
{{- if not $agent.name -}}
{{- fail (printf "agents[%d] has no name: give every agent a name (lowercase letters, digits and '-')" $i) -}}
{{- end -}}
{{- $out = append $out (mergeOverwrite (deepCopy $.Values.agentDefaults) (deepCopy $agent)) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
The agents' network rules, shared by the chart's NetworkPolicy and the SandboxTemplate's: nothing comes in but
SSH (when on); with the egress proxy, nothing goes out but to the proxy's port.
*/}}
{{- define "agentgate.agentNetworkRules" -}}
{{- if .Values.ssh.enabled -}}
ingress:
  - ports:
      - { port: 2222, protocol: TCP }
{{- else -}}
ingress: []
{{- end }}
{{- if .Values.egress.enabled }}
egress:
  - to:
      - podSelector:
          matchLabels:
            {{- include "agentgate.egressSelector" . | nindent 12 }}
    ports:
      - { port: 3128, protocol: TCP }
{{- end }}
{{- end -}}
