#!/usr/bin/env bash
# Make sure the Debian packages facilitator needs are present; install them with apt-get when we
# can (root, or passwordless sudo), otherwise print the one command to run and fail.
#   .ci/system-deps.sh run    WeasyPrint's libraries (pango) and libharfbuzz-subset0 (fast fonts); fonts-noto-color-emoji (emoji in answers print as emoji, not boxes)
#   .ci/system-deps.sh test   the above, plus chromium, poppler-utils (pdftoppm) and zbar-tools (zbarimg),
#                             caddy and nginx (the deploy/ site files are checked by their own tools)
set -euo pipefail
need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji)
if [ "${1:-run}" = "test" ]; then
  need+=(chromium poppler-utils zbar-tools)
  # nginx: tests/test_scale_out.py (two app servers behind it) and, with caddy,
  # tests/test_deploy_files.py (`nginx -t` and `caddy validate` on deploy/; docs/deploy.md)
  need+=(caddy nginx)
fi
missing=()
for package in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Please run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
