/**
 * Shows the server's work-done progress for a lint from disk inside the command's own notification, so the user
 * sees one notification with the server's line counts rather than two. Pure: it deals in plain values.
 */

/** The LSP work-done progress values this router reads (a structural subset of the protocol types). */
export type WorkDoneValue =
	| { kind: 'begin'; title: string; message?: string }
	| { kind: 'report'; message?: string }
	| { kind: 'end'; message?: string };

/** Receives the progress messages while a lint from disk runs. */
export type ProgressSink = (message: string) => void;

/**
 * While a sink is attached, every work-done progress that begins is routed to it (and its later reports) instead
 * of getting its own notification. Progress that began before the sink was attached keeps its own UI.
 */
export class ProgressRouter {
	private sink: ProgressSink | undefined;
	private readonly routedTokens = new Set<string | number>();

	/** Routes progress to `sink` until the returned function is called. */
	attach(sink: ProgressSink): () => void {
		this.sink = sink;
		return () => {
			if (this.sink === sink) {
				this.sink = undefined;
			}
		};
	}

	/** Handles one progress value; false means it is not routed and should get the default UI. */
	handle(token: string | number, value: WorkDoneValue): boolean {
		if (value.kind === 'begin') {
			if (this.sink === undefined) {
				return false;
			}
			this.routedTokens.add(token);
			this.sink(value.message ?? value.title);
			return true;
		}
		if (!this.routedTokens.has(token)) {
			return false;
		}
		if (value.kind === 'end') {
			this.routedTokens.delete(token);
		} else if (value.message !== undefined) {
			this.sink?.(value.message);
		}
		return true;
	}
}
