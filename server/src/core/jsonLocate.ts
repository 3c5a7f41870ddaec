/**
 * Finds where a value or key sits inside one line of JSON text, by path, so that findings point at the offending
 * key or value rather than the whole line. It scans without building values and runs only for lines with findings.
 */

export interface Span {
	start: number;
	end: number;
}

/** The span of the value at `path` (and of its key when it is an object member); undefined when the path is absent. */
export function locatePath(text: string, path: ReadonlyArray<string | number>): { value: Span; key?: Span } | undefined {
	const locator = new Locator(text);
	try {
		locator.skipSpace();
		return locator.find(path, 0);
	} catch {
		return undefined;
	}
}

/** The span of a key or value at `path`, preferring the key (for "unknown key" findings), else the whole line. */
export function spanOf(text: string, path: ReadonlyArray<string | number>, prefer: 'key' | 'value' = 'value'): Span {
	const found = locatePath(text, path);
	if (found === undefined) {
		return { start: 0, end: text.length };
	}
	return prefer === 'key' && found.key !== undefined ? found.key : found.value;
}

class Locator {
	pos = 0;
	constructor(private readonly text: string) {}

	skipSpace(): void {
		while (this.pos < this.text.length && ' \t\n\r\uFEFF'.includes(this.text[this.pos])) {
			this.pos++;
		}
	}

	/** Looks for path[depth..] in the value starting at pos; returns the span of the target. */
	find(path: ReadonlyArray<string | number>, depth: number, key?: Span): { value: Span; key?: Span } | undefined {
		const start = this.pos;
		if (depth === path.length) {
			this.skipValue();
			return { value: { start, end: this.pos }, ...(key ? { key } : {}) };
		}
		const step = path[depth];
		const char = this.text[this.pos];
		if (char === '{' && typeof step === 'string') {
			return this.findInObject(path, depth, step);
		}
		if (char === '[' && typeof step === 'number') {
			return this.findInArray(path, depth, step);
		}
		return undefined;
	}

	private findInObject(path: ReadonlyArray<string | number>, depth: number, wanted: string): { value: Span; key?: Span } | undefined {
		this.pos++;
		for (;;) {
			this.skipSpace();
			if (this.text[this.pos] === '}' || this.pos >= this.text.length) {
				return undefined;
			}
			const keyStart = this.pos;
			this.skipString();
			const keySpan = { start: keyStart, end: this.pos };
			const name = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
			this.skipSpace();
			this.pos++; // the colon
			this.skipSpace();
			if (name === wanted) {
				return this.find(path, depth + 1, keySpan);
			}
			this.skipValue();
			this.skipSpace();
			if (this.text[this.pos] === ',') {
				this.pos++;
			}
		}
	}

	private findInArray(path: ReadonlyArray<string | number>, depth: number, wanted: number): { value: Span; key?: Span } | undefined {
		this.pos++;
		for (let index = 0; ; index++) {
			this.skipSpace();
			if (this.text[this.pos] === ']' || this.pos >= this.text.length) {
				return undefined;
			}
			if (index === wanted) {
				return this.find(path, depth + 1);
			}
			this.skipValue();
			this.skipSpace();
			if (this.text[this.pos] === ',') {
				this.pos++;
			}
		}
	}

	private skipValue(): void {
		const char = this.text[this.pos];
		if (char === '"') {
			this.skipString();
			return;
		}
		if (char === '{' || char === '[') {
			this.skipContainer();
			return;
		}
		while (this.pos < this.text.length && !',}] \t\r\n'.includes(this.text[this.pos])) {
			this.pos++;
		}
	}

	/** Skips a nested object or array iteratively, so deep nesting cannot overflow the stack. */
	private skipContainer(): void {
		let depth = 0;
		while (this.pos < this.text.length) {
			const char = this.text[this.pos];
			if (char === '"') {
				this.skipString();
				continue;
			}
			if (char === '{' || char === '[') {
				depth++;
			} else if (char === '}' || char === ']') {
				depth--;
				if (depth === 0) {
					this.pos++;
					return;
				}
			}
			this.pos++;
		}
	}

	private skipString(): void {
		this.pos++;
		while (this.pos < this.text.length) {
			const char = this.text[this.pos];
			if (char === '\\') {
				this.pos += 2;
				continue;
			}
			this.pos++;
			if (char === '"') {
				return;
			}
		}
	}
}
