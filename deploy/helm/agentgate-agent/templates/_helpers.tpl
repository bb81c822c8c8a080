{{/* The chart's name (the label app.kubernetes.io/name). */}}
{{- define "agentgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The release-scoped base every object's name starts with, whole: fullnameOverride, or <release>-<chart name>
(the release alone when it already holds the chart's name). It must start a Service's name (a DNS-1035 label).
*/}}
{{- define "agentgate.baseName" -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- $base := .Values.fullnameOverride | default (ternary .Release.Name (printf "%s-%s" .Release.Name $name) (contains $name .Release.Name)) -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $base) -}}
{{- $source := ternary (printf "fullnameOverride %q" .Values.fullnameOverride) (printf "release name %q" .Release.Name) (not (empty .Values.fullnameOverride)) -}}
{{- fail (printf "%s: every object's name starts with it, and a Service's name takes only lowercase letters, digits and '-', beginning with a letter; choose another or set fullnameOverride" $source) -}}
{{- end -}}
{{- $base -}}
{{- end -}}

{{/*
One object's name, <base>-<suffix>, at most .max characters. When it is longer, the base is cut and a short
hash of the whole name added (<cut base>-<hash>-<suffix>): the suffix stays whole, so two agents never end up
with one name, and two long releases that differ only past the cut stay apart.
Called with dict "root" $ "suffix" <suffix> "max" <length>.
*/}}
{{- define "agentgate.objectName" -}}
{{- $whole := printf "%s-%s" (include "agentgate.baseName" .root) .suffix -}}
{{- if le (len $whole) (int .max) -}}
{{- $whole -}}
{{- else -}}
{{- $cut := trunc (int (sub (sub (int .max) (len .suffix)) 8)) (include "agentgate.baseName" .root) | trimSuffix "-" -}}
{{- printf "%s-%s-%s" $cut (sha256sum $whole | trunc 6) .suffix -}}
{{- end -}}
{{- end -}}

{{/*
One agent's object name: the StatefulSet, its Service, its SandboxTemplate; the pod is this with -0. At most 52:
a StatefulSet's pods carry the label controller-revision-hash=<name>-<10 characters>, which holds 63.
*/}}
{{- define "agentgate.agentName" -}}
{{- include "agentgate.objectName" (dict "root" .root "suffix" .agent.name "max" 52) -}}
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
{{- .Values.credentials.existingSecret | default (include "agentgate.objectName" (dict "root" . "suffix" "credentials" "max" 63)) -}}
{{- end -}}

{{/* Non-empty when the egress proxy, not the agent, holds the API key (egress.holdCredentials). */}}
{{- define "agentgate.proxyHoldsKey" -}}
{{- if and .Values.egress.enabled .Values.egress.holdCredentials }}true{{ end -}}
{{- end -}}

{{/*
Non-empty when the proxy holds Copilot's provider key: given as a value, or in an existingSecret once its upstream is
set (a placeholder with no provider behind it would turn a Copilot that logs in to GitHub to a provider it lacks).
*/}}
{{- define "agentgate.proxyHoldsCopilotKey" -}}
{{- if and (include "agentgate.proxyHoldsKey" .) (or .Values.credentials.copilotProviderApiKey (and .Values.credentials.existingSecret .Values.egress.credentialUpstreamCopilot)) }}true{{ end -}}
{{- end -}}

{{/* Non-empty when the proxy asks instead of denying (egress.ask): the agents' supervisors follow its ask feed. */}}
{{- define "agentgate.proxyAsks" -}}
{{- if and .Values.egress.enabled .Values.egress.ask }}true{{ end -}}
{{- end -}}

{{- define "agentgate.proxyHoldsGit" -}}
{{- if and .Values.egress.enabled (or .Values.egress.gitCredentials .Values.egress.gitCredentialsSecret) }}true{{ end -}}
{{- end -}}

{{- define "agentgate.notifySecret" -}}
{{- .Values.notify.existingSecret | default (include "agentgate.objectName" (dict "root" . "suffix" "notify" "max" 63)) -}}
{{- end -}}

{{- define "agentgate.gitSecret" -}}
{{- .Values.egress.gitCredentialsSecret | default (include "agentgate.objectName" (dict "root" . "suffix" "git" "max" 63)) -}}
{{- end -}}

{{- define "agentgate.sshSecret" -}}
{{- .Values.ssh.existingSecret | default (include "agentgate.objectName" (dict "root" . "suffix" "ssh" "max" 63)) -}}
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
{{- $egressService := include "agentgate.objectName" (dict "root" $root "suffix" "egress" "max" 63) -}}
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
      {{- if include "agentgate.proxyHoldsKey" $root }}
      {{- if or $v.credentials.apiKey $v.credentials.existingSecret }}
      # The egress proxy holds the API key: the agent gets a placeholder, and the supervisor sends Claude's API
      # requests to the proxy's credential endpoint, which attaches the real key for the API host only.
      - { name: ANTHROPIC_API_KEY, value: "sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key" }
      - { name: AGENTGATE_CREDENTIAL_URL, value: "http://$({{ $egressEnv }}_SERVICE_HOST):3129" }
      {{- end }}
      {{- if or $v.credentials.openaiApiKey $v.credentials.existingSecret }}
      # Codex's key, likewise: the supervisor points Codex at the endpoint's /openai path.
      - { name: OPENAI_API_KEY, value: "sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key" }
      {{- end }}
      {{- if or $v.credentials.geminiApiKey $v.credentials.existingSecret }}
      # Gemini CLI's key, likewise: the supervisor points Gemini CLI at the endpoint's /gemini path.
      - { name: GEMINI_API_KEY, value: "agentgate-placeholder-the-egress-proxy-holds-the-gemini-key" }
      {{- end }}
      {{- if include "agentgate.proxyHoldsCopilotKey" $root }}
      # Copilot's provider key, likewise: the supervisor sets its COPILOT_PROVIDER_BASE_URL to the endpoint's path.
      - { name: COPILOT_PROVIDER_API_KEY, value: "agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-key" }
      {{- end }}
      {{- if or $v.credentials.openrouterApiKey $v.credentials.existingSecret }}
      # OpenCode's OpenRouter and Zen keys, likewise: the supervisor points its providers at /openrouter and /opencode.
      - { name: OPENROUTER_API_KEY, value: "sk-or-agentgate-placeholder-the-egress-proxy-holds-the-openrouter-key" }
      {{- end }}
      {{- if or $v.credentials.opencodeApiKey $v.credentials.existingSecret }}
      - { name: OPENCODE_API_KEY, value: "sk-agentgate-placeholder-the-egress-proxy-holds-the-opencode-key" }
      {{- end }}
      {{- if and (or $v.credentials.openaiApiKey $v.credentials.geminiApiKey $v.credentials.copilotProviderApiKey $v.credentials.openrouterApiKey $v.credentials.opencodeApiKey) (not (or $v.credentials.apiKey $v.credentials.existingSecret)) }}
      - { name: AGENTGATE_CREDENTIAL_URL, value: "http://$({{ $egressEnv }}_SERVICE_HOST):3129" }
      {{- end }}
      {{- if include "agentgate.proxyHoldsGit" $root }}
      # The proxy holds the git tokens: the supervisor routes the agent's git for those hosts to its git endpoint.
      - { name: AGENTGATE_GIT_CREDENTIAL_URL, value: "http://$({{ $egressEnv }}_SERVICE_HOST):3130" }
      {{- end }}
      {{- else }}
      {{- range $name := list "ANTHROPIC_API_KEY" "OPENAI_API_KEY" "GEMINI_API_KEY" "COPILOT_PROVIDER_API_KEY" "OPENROUTER_API_KEY" "OPENCODE_API_KEY" }}
      - name: {{ $name }}
        valueFrom:
          secretKeyRef: { name: {{ include "agentgate.credentialsSecret" $root }}, key: {{ $name }}, optional: true }
      {{- end }}
      {{- end }}
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
      {{- if $v.egress.ask }}
      # The supervisor shows the agent's egress asks (health, status, /events, webhook); answers go to the proxy.
      - { name: AGENTGATE_EGRESS_ASK_FEED_URL, value: "http://$({{ $egressEnv }}_SERVICE_HOST):3131" }
      {{- end }}
      {{- end }}
      {{- with $v.notify.url }}
      - { name: AGENTGATE_NOTIFY_URL, value: {{ . | quote }} }
      - { name: AGENTGATE_NOTIFY_FORMAT, value: {{ $v.notify.format | quote }} }
      {{- with $v.notify.publicUrl }}
      - { name: AGENTGATE_PUBLIC_URL, value: {{ . | quote }} }
      {{- end }}
      {{- if or $v.notify.secret $v.notify.existingSecret }}
      - name: AGENTGATE_NOTIFY_SECRET
        valueFrom:
          secretKeyRef: { name: {{ include "agentgate.notifySecret" $root }}, key: AGENTGATE_NOTIFY_SECRET }
      {{- end }}
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
    # the pod). Ready: the agent runs and is healthy. agentgate-probe answers as `agentgate health` at curl's
    # cost, so a probe every second does not start node inside the agent's memory limit.
    startupProbe:
      exec: { command: [agentgate-probe, --live] }
      periodSeconds: 1
      timeoutSeconds: 5
      failureThreshold: 60
    livenessProbe:
      exec: { command: [agentgate-probe, --live] }
      periodSeconds: 10
      timeoutSeconds: 5
      failureThreshold: 3
    readinessProbe:
      exec: { command: [agentgate-probe] }
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
    {{- if include "agentgate.proxyHoldsKey" $root }}
    # Only the credentials file: a whole-Secret volume would put the API key the proxy holds into a file here.
    secret: { secretName: {{ include "agentgate.credentialsSecret" $root }}, optional: true, defaultMode: 0440, items: [{ key: claude_credentials, path: claude_credentials }] }
    {{- else }}
    secret: { secretName: {{ include "agentgate.credentialsSecret" $root }}, optional: true, defaultMode: 0440 }
    {{- end }}
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

{{/*
The agents: each entry merged over agentDefaults. Returns a YAML list; use with fromYamlArray.
Refuses what would render a clobbering or unselectable agent, naming the value.
*/}}
{{- define "agentgate.agents" -}}
{{- $out := list -}}
{{- $seen := dict -}}
{{- include "agentgate.checkAgentValues" (dict "root" $ "agent" .Values.agentDefaults "path" "agentDefaults") -}}
{{- range $i, $agent := .Values.agents -}}
{{- $path := printf "agents[%d]" $i -}}
{{- if not $agent.name -}}
{{- fail (printf "%s has no name: give every agent a name (lowercase letters, digits and '-')" $path) -}}
{{- end -}}
{{- if hasKey $seen $agent.name -}}
{{- fail (printf "%s.name %q is also %s's: every agent needs its own name (it names the agent's pod, Service and volumes)" $path $agent.name (get $seen $agent.name)) -}}
{{- end -}}
{{- if eq $agent.name "egress" -}}
{{- fail (printf "%s.name %q: the egress proxy's Service has that name; choose another" $path $agent.name) -}}
{{- end -}}
{{- $_ := set $seen $agent.name $path -}}
{{- include "agentgate.checkAgentValues" (dict "root" $ "agent" $agent "path" $path) -}}
{{- $out = append $out (mergeOverwrite (deepCopy $.Values.agentDefaults) (deepCopy $agent)) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Refuses, in one agent's values (or agentDefaults), what the chart sets itself: a pod label that a selector or
the chart uses (the Service, the StatefulSet and the NetworkPolicy would miss the pod: its hardening dropped
without a word), a pod annotation of the chart's, and a variable that would bypass a checked value.
Called with dict "root" $ "agent" <raw values> "path" <where they are>.
*/}}
{{- define "agentgate.checkAgentValues" -}}
{{- $chartLabels := merge (include "agentgate.agentSelector" (dict "root" .root "agent" (dict "name" "x")) | fromYaml) (include "agentgate.commonLabels" .root | fromYaml) -}}
{{- range $key := keys (.agent.podLabels | default dict) | sortAlpha -}}
{{- if hasKey $chartLabels $key -}}
{{- fail (printf "%s.podLabels sets %s, a label the chart sets itself (the selectors of the agent's Service, StatefulSet and NetworkPolicy use them): use another key" $.path $key) -}}
{{- end -}}
{{- end -}}
{{- range $key := keys (.agent.podAnnotations | default dict) | sortAlpha -}}
{{- if has $key (list "agentgate.dev/attach" "kubectl.kubernetes.io/default-container") -}}
{{- fail (printf "%s.podAnnotations sets %s, an annotation the chart sets itself: use another key" $.path $key) -}}
{{- end -}}
{{- end -}}
{{- $fromValue := dict "AGENTGATE_AGENT" "program" "AGENTGATE_AGENT_ARGS" "args" "AGENTGATE_STOP_TIMEOUT_MS" "stopTimeoutMs" -}}
{{- range $key := keys (.agent.env | default dict) | sortAlpha -}}
{{- if hasKey $fromValue $key -}}
{{- fail (printf "%s.env sets %s, which the chart sets from %s.%s (checked there): set that instead" $.path $key $.path (get $fromValue $key)) -}}
{{- end -}}
{{- end -}}
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
      {{- if include "agentgate.proxyHoldsKey" . }}
      - { port: 3129, protocol: TCP }
      {{- end }}
      {{- if include "agentgate.proxyHoldsGit" . }}
      - { port: 3130, protocol: TCP }
      {{- end }}
      {{- if include "agentgate.proxyAsks" . }}
      - { port: 3131, protocol: TCP }
      {{- end }}
{{- end }}
{{- end -}}
