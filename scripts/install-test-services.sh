#!/usr/bin/env bash
# What the test suite needs besides npm packages, from Debian's packages: Dovecot (the mail
# tests start throwaway IMAP servers) and Chromium (the console's browser tests). Installs
# only what is missing; needs root and apt-get. `.ci/run` and the README's test command run it.
set -euo pipefail

missing=()
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then missing+=(dovecot-imapd dovecot-core); fi
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  echo "install-test-services: needs ${missing[*]}; install them with your package manager (apt-get needs root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A package list older than the mirror's files fails the first try; refresh it and try again.
apt-get install -y --no-install-recommends "${missing[@]}" \
  || { apt-get update -q && apt-get install -y --no-install-recommends "${missing[@]}"; }
