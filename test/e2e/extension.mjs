// Puts the built extension where code-server loads it: installed from the packaged .vsix (the default, which
// also proves the package works) or copied as an unpacked folder (TUNELINT_E2E_EXTENSION=unpacked, faster).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { CODE_SERVER_BIN } from './codeServer.mjs';
import { REPO_ROOT } from './paths.mjs';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

/** The folder name VS Code gives an installed extension: publisher.name-version. */
export const EXTENSION_FOLDER = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
/** The .vsix that `npm run package` writes. */
export const VSIX_PATH = join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);

/** What an unpacked copy needs: the manifest, the bundles and the data files they read at run time. */
const UNPACKED_PATHS = ['package.json', 'README.md', 'LICENSE', 'client/out', 'server/out', 'syntaxes', 'server/schemas', 'server/lexicons'];

/**
 * Installs the extension into a fresh extensions dir and returns the installed folder.
 * @param {string} extensionsDir
 * @param {'vsix' | 'unpacked'} mode
 */
export function installExtension(extensionsDir, mode) {
	mkdirSync(extensionsDir, { recursive: true });
	if (mode === 'unpacked') {
		const target = join(extensionsDir, EXTENSION_FOLDER);
		for (const relative of UNPACKED_PATHS) {
			const source = join(REPO_ROOT, relative);
			if (existsSync(source)) {
				cpSync(source, join(target, relative), { recursive: true });
			}
		}
		return target;
	}
	if (!existsSync(VSIX_PATH)) {
		throw new Error(`${VSIX_PATH} is missing; run npm run package first`);
	}
	execFileSync(CODE_SERVER_BIN, ['--extensions-dir', extensionsDir, '--install-extension', VSIX_PATH], {
		stdio: 'pipe',
		timeout: 120_000,
	});
	const installed = readdirSync(extensionsDir).find((entry) => entry.startsWith(`${manifest.publisher}.${manifest.name}-`));
	if (!installed) {
		throw new Error(`code-server did not install ${VSIX_PATH} into ${extensionsDir}`);
	}
	return join(extensionsDir, installed);
}
