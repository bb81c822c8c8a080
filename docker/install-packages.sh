#!/bin/sh
# Installs the packages listed in packages.txt with apt-get (Debian) or apk (Alpine), and nothing else.
# Usage: install-packages.sh packages.txt
set -eu
list=$1
if command -v apk >/dev/null 2>&1; then
  column=3
elif command -v apt-get >/dev/null 2>&1; then
  column=2
else
  echo "install-packages: neither apk nor apt-get found; unsupported base image" >&2
  exit 1
fi
packages=$(grep -v '^[[:space:]]*#' "$list" | awk -v c="$column" 'NF >= 3 { print $c }' | tr '\n' ' ')
echo "install-packages: $packages" >&2
if [ "$column" = 3 ]; then
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apk add --no-cache $packages
  # tini lives in /sbin on Alpine; the entrypoint uses one path on every base.
  [ -e /usr/bin/tini ] || ln -s /sbin/tini /usr/bin/tini
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
  rm -rf /var/lib/apt/lists/*
fi
# The server's host key is made per container in the state volume: none may be baked into the image.
rm -f /etc/ssh/ssh_host_*
