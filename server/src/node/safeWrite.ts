import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Refused because the target exists and the caller did not say to replace it. */
export class TargetExistsError extends Error {
	constructor(readonly target: string) {
		super(`${target} already exists; choose another output or pass --force to replace it`);
	}
}

/**
 * Writes a new file safely: the content goes to a temporary file beside the target, which is then renamed into
 * place, so an interrupted write never leaves a half-written target, and an existing file is never replaced unless
 * `overwrite` says so. Writing onto one of the `inputs` is refused outright: the original data is never touched.
 */
export async function writeNewFile(target: string, content: string | Buffer, options: { overwrite?: boolean; inputs?: readonly string[] } = {}): Promise<void> {
	const resolved = path.resolve(target);
	if ((options.inputs ?? []).some((input) => path.resolve(input) === resolved)) {
		throw new Error(`refusing to write over the input file ${target}`);
	}
	if (!options.overwrite && (await fs.stat(resolved).then(() => true, () => false))) {
		throw new TargetExistsError(target);
	}
	const temporary = path.join(path.dirname(resolved), `.${path.basename(resolved)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		await fs.writeFile(temporary, content, { flag: 'wx' });
		if (!options.overwrite) {
			// A link fails if the target appeared meanwhile, where a rename would silently replace it.
			await fs.link(temporary, resolved);
			await fs.unlink(temporary);
		} else {
			await fs.rename(temporary, resolved);
		}
	} catch (error) {
		await fs.unlink(temporary).catch(() => undefined);
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			throw new TargetExistsError(target);
		}
		throw error;
	}
}

/** `data.jsonl` → `data.<suffix>.jsonl`, next to the original. */
export function siblingPath(file: string, suffix: string): string {
	const extension = path.extname(file);
	return path.join(path.dirname(file), `${path.basename(file, extension)}.${suffix}${extension || '.jsonl'}`);
}
