# Release builds of agentgate/agent with docker buildx bake: every platform, every tag, labels from the build.
#   docker buildx bake --print                                   what would be built (no build)
#   VERSION=0.2.0 REVISION=$(git rev-parse HEAD) docker buildx bake --push release
#   REVISION=$(git rev-parse HEAD) docker buildx bake --push dev
# (make release / make release-dev do the same, from package.json's version and git.)
#
# Tags: a release VERSION=X.Y.Z gets vX.Y.Z, vX.Y, vX and latest; a build without VERSION gets dev; both get
# sha-<first 12 of REVISION>. The GPU variant has the same tags with -cuda after them.

variable "REGISTRY" { default = "docker.io/agentgate/agent" }
# X.Y.Z for a release (no leading v); empty for a development build.
variable "VERSION" { default = "" }
# The full git commit the image is built from.
variable "REVISION" { default = "" }
variable "CREATED" { default = "" }
# null: the Dockerfile's own default (the one place the version is written); set it to override.
variable "CLAUDE_CODE_VERSION" { default = null }
# The agents in the "agent-all" target; versions come from the Dockerfile's global ARGs (the one place).
variable "ALL_AGENTS" { default = "claude,codex,gemini,opencode,copilot" }
variable "NPM_CONFIG_REGISTRY" { default = "https://registry.npmjs.org/" }
# The default image: Alpine (musl), with Claude Code's musl binary.
variable "NODE_IMAGE" { default = "node:24-alpine" }
# The GPU variant: NVIDIA's CUDA runtime (Ubuntu, glibc), with a Debian Node builder (glibc binary of Claude).
variable "NODE_IMAGE_GLIBC" { default = "node:24-bookworm-slim" }
variable "CUDA_IMAGE" { default = "nvidia/cuda:12.8.1-runtime-ubuntu24.04" }
variable "PLATFORMS" { default = "linux/amd64,linux/arm64" }

function "tags" {
  params = [suffix]
  result = concat(
    VERSION != "" ? [
      "${REGISTRY}:v${VERSION}${suffix}",
      "${REGISTRY}:v${join(".", slice(split(".", VERSION), 0, 2))}${suffix}",
      "${REGISTRY}:v${element(split(".", VERSION), 0)}${suffix}",
      "${REGISTRY}:latest${suffix}",
    ] : ["${REGISTRY}:dev${suffix}"],
    REVISION != "" ? ["${REGISTRY}:sha-${substr(REVISION, 0, 12)}${suffix}"] : [],
  )
}

group "default" { targets = ["agent"] }
group "release" { targets = ["agent", "agent-cuda"] }
group "dev" { targets = ["agent", "agent-cuda"] }

target "_common" {
  context = "."
  dockerfile = "docker/Dockerfile"
  platforms = split(",", PLATFORMS)
  args = {
    CLAUDE_CODE_VERSION = CLAUDE_CODE_VERSION
    NPM_CONFIG_REGISTRY = NPM_CONFIG_REGISTRY
    VERSION = VERSION != "" ? VERSION : "0.0.0-dev"
    REVISION = REVISION != "" ? REVISION : "unknown"
    CREATED = CREATED != "" ? CREATED : timestamp()
  }
}

target "agent" {
  inherits = ["_common"]
  tags = tags("")
  args = { NODE_IMAGE = NODE_IMAGE }
}

target "agent-cuda" {
  inherits = ["_common"]
  tags = tags("-cuda")
  args = {
    NODE_IMAGE = NODE_IMAGE_GLIBC
    RUNTIME_IMAGE = CUDA_IMAGE
    RUNTIME_NODE = "builder"
  }
  labels = { "agentgate.variant" = "cuda" }
}

# Every agent built in (Codex CLI, Gemini CLI, OpenCode, Copilot CLI beside Claude Code): a larger image, tagged
# -all-agents. Not in the default group: the default image stays Claude-only.
#   docker buildx bake agent-all
target "agent-all" {
  inherits = ["agent"]
  tags = tags("-all-agents")
  args = { AGENTS = ALL_AGENTS }
  labels = { "agentgate.variant" = "all-agents" }
}
