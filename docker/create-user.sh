#!/bin/sh
# Creates the non-root user agentgate with uid and gid 1000. The official Node images already have a
# user `node` with 1000: it is removed first, so that files the agent writes show as agentgate.
# Usage: create-user.sh NAME UID HOME
set -eu
name=$1 uid=$2 home=$3
existing=$(awk -F: -v u="$uid" '$3 == u { print $1 }' /etc/passwd)
existing_group=$(awk -F: -v g="$uid" '$3 == g { print $1 }' /etc/group)
if command -v useradd >/dev/null 2>&1; then
  if [ -n "$existing" ]; then userdel --remove "$existing" 2>/dev/null; fi
  if [ -n "$existing_group" ] && getent group "$existing_group" >/dev/null; then groupdel "$existing_group"; fi
  groupadd --gid "$uid" "$name"
  useradd --uid "$uid" --gid "$uid" --home-dir "$home" --create-home --shell /bin/bash "$name"
else
  if [ -n "$existing" ]; then deluser --remove-home "$existing" 2>/dev/null; fi
  if [ -n "$existing_group" ] && getent group "$existing_group" >/dev/null; then delgroup "$existing_group"; fi
  addgroup -g "$uid" "$name"
  adduser -D -u "$uid" -G "$name" -h "$home" -s /bin/bash "$name"
fi
# No sudo, no password: the user can only do what uid 1000 can.
passwd -l "$name" >/dev/null 2>&1 || true
