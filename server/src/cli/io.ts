/** Where a command writes: stdout for results, stderr for messages and progress. Tests pass their own. */
export interface CliIo {
	out(text: string): void;
	err(text: string): void;
}

/**
 * Prints the config file's problems as warnings. An entry that cannot be used is ignored and its default kept, so the
 * user is told rather than left to wonder why a setting had no effect.
 */
export function warnAboutConfig(problems: readonly string[], io: CliIo): void {
	problems.forEach((problem) => io.err(`tunelint: warning: ${problem}`));
}

/** A mistake on the command line: the message is printed with the usage hint and the exit code is 2. */
export class UsageError extends Error {}

/** A whole-number flag of at least `minimum`, or `fallback` when it is not given. */
export function wholeNumberFlag(value: string | undefined, flag: string, fallback: number, minimum: number): number {
	if (value === undefined) {
		return fallback;
	}
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < minimum) {
		throw new UsageError(`${flag} needs a whole number of at least ${minimum}, not "${value}"`);
	}
	return parsed;
}

export const processIo: CliIo = {
	out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
	err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
