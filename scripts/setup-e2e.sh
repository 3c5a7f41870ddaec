#!/usr/bin/env bash
# Installs what the end-to-end tests need: Debian's Chromium, the native build headers code-server's modules
# compile against, and code-server 4.100.3 into .e2e/code-server (git ignores .e2e/).
# It is idempotent: every step checks first, so a second run takes about a second.
# VS Code itself cannot be downloaded on our machines; code-server comes from the npm registry instead
# (see shared/guides/vscode.md D.1 for why each step is needed).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep 1.15.11 (a dependency of code-server's VS Code) downloads ripgrep from GitHub in its postinstall
# unless it finds this archive in its cache folder under os.tmpdir().
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep python3 make g++)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install_dir="$repo_root/.e2e/code-server"

log() { printf '[setup-e2e] %s\n' "$*"; }

install_system_packages() {
	local missing=()
	for package in "${APT_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$package")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "system packages present"
		return
	fi
	log "installing system packages: ${missing[*]}"
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		sudo=(sudo)
	fi
	# Other jobs on the machine may hold the dpkg lock; wait for it instead of failing.
	"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}

seed_ripgrep_cache() {
	if [ "$(uname -m)" != x86_64 ]; then
		log "warning: the ripgrep cache trick is only set up for x86_64; the install may try to download ripgrep"
		return
	fi
	local tmp_dir
	tmp_dir="$(node -p 'require("os").tmpdir()')"
	local cache_dir="$tmp_dir/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
	if [ -s "$cache_dir/$RIPGREP_ARCHIVE" ]; then
		log "ripgrep cache present"
		return
	fi
	log "seeding the ripgrep cache with Debian's rg"
	mkdir -p "$cache_dir"
	local staging
	staging="$(mktemp -d)"
	cp "$(command -v rg)" "$staging/rg"
	tar -czf "$cache_dir/$RIPGREP_ARCHIVE" -C "$staging" rg
	rm -rf "$staging"
}

install_code_server() {
	local marker="$install_dir/.installed-$CODE_SERVER_VERSION"
	if [ -f "$marker" ] && [ -x "$install_dir/node_modules/.bin/code-server" ]; then
		log "code-server $CODE_SERVER_VERSION present"
		return
	fi
	local node_major
	node_major="$(node -p 'process.versions.node.split(".")[0]')"
	if [ "$node_major" != 20 ]; then
		log "error: code-server $CODE_SERVER_VERSION needs Node 20 (its postinstall refuses others); this is Node $(node -v)"
		exit 1
	fi
	# node-gyp compiles the native modules against Node's headers and downloads them from nodejs.org unless told where
	# they are; a Node installed from a package (as on our machines) ships them under its prefix.
	local node_prefix
	node_prefix="$(node -p 'require("path").resolve(process.execPath, "..", "..")')"
	if [ -f "$node_prefix/include/node/node.h" ]; then
		export npm_config_nodedir="$node_prefix"
	else
		log "warning: no Node headers under $node_prefix/include/node; node-gyp will try to download them"
	fi
	log "installing code-server $CODE_SERVER_VERSION into $install_dir (builds native modules; takes a few minutes)"
	mkdir -p "$install_dir"
	# A package.json of its own keeps npm from treating the repository root as the project.
	if [ ! -f "$install_dir/package.json" ]; then
		printf '{ "name": "tunelint-e2e-code-server", "private": true }\n' >"$install_dir/package.json"
	fi
	# As root, code-server's postinstall refuses to run without unsafe_perm; node-pty's postinstall calls
	# `npx node-gyp`, which would otherwise wait for a "yes".
	(cd "$install_dir" && npm_config_yes=true npm_config_unsafe_perm=true \
		npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
	touch "$marker"
}

install_system_packages
seed_ripgrep_cache
install_code_server
log "ready: $install_dir/node_modules/.bin/code-server"
