// Folders the end-to-end tests share.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Git-ignored working folder of the end-to-end tests (code-server install, screenshots, temp workspaces). */
export const E2E_DIR = join(REPO_ROOT, '.e2e');
/** Where each scenario leaves its screenshot. */
export const SCREENSHOT_DIR = join(E2E_DIR, 'screenshots');
