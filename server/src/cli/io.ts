/** Where a command writes: stdout for results, stderr for messages and progress. Tests pass their own. */
export interface CliIo {
	out(text: string): void;
	err(text: string): void;
}

/** A mistake on the command line: the message is printed with the usage hint and the exit code is 2. */
export class UsageError extends Error {}

export const processIo: CliIo = {
	out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
	err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
