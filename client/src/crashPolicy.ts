/**
 * Decides whether a crashed server is restarted. Pure (the clock is injected) so the bound can be tested.
 */

/** Restarts allowed inside the window before the client gives up. */
export const MAX_RESTARTS = 4;

/** The window in which crashes are counted: three minutes, as vscode-languageclient's default handler does. */
export const CRASH_WINDOW_MS = 3 * 60 * 1000;

/** What to do after a crash. */
export interface CrashDecision {
	restart: boolean;
	/** Crashes inside the window, this one included. */
	crashes: number;
}

/**
 * Counts crashes in a sliding window: a server that crashes now and then keeps being restarted, one that crashes
 * in a loop is left stopped after `maxRestarts` attempts.
 */
export class CrashPolicy {
	private crashTimes: number[] = [];

	constructor(
		private readonly maxRestarts = MAX_RESTARTS,
		private readonly windowMs = CRASH_WINDOW_MS,
		private readonly now: () => number = Date.now,
	) {}

	/** Records a crash and says whether to restart. */
	recordCrash(): CrashDecision {
		const time = this.now();
		this.crashTimes = [...this.crashTimes.filter((crash) => time - crash < this.windowMs), time];
		return { restart: this.crashTimes.length <= this.maxRestarts, crashes: this.crashTimes.length };
	}

	/** Forgets past crashes, e.g. after the user restarts the server by hand. */
	reset(): void {
		this.crashTimes = [];
	}
}
