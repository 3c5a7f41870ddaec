/**
 * Finds the offset of the first syntax error in a string that JSON.parse rejected. V8's messages give a position for
 * most errors but not all (e.g. "Unexpected token 'x', ... is not valid JSON"), and the `invalid-json` rule promises
 * an exact column, so this small scanner walks the grammar and stops where it breaks. It runs only on failing lines.
 */
export function jsonErrorOffset(text: string): number {
	const scanner = new Scanner(text);
	try {
		scanner.skipSpace();
		scanner.value(0);
		scanner.skipSpace();
		return scanner.pos < text.length ? scanner.pos : text.length;
	} catch (error) {
		if (error instanceof SyntaxAt) {
			return error.offset;
		}
		throw error;
	}
}

class SyntaxAt {
	constructor(readonly offset: number) {}
}

/** Nesting beyond this is reported as an error rather than risking a stack overflow. */
const MAX_DEPTH = 512;

class Scanner {
	pos = 0;
	constructor(private readonly text: string) {}

	skipSpace(): void {
		while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) {
			this.pos++;
		}
	}

	fail(): never {
		throw new SyntaxAt(this.pos);
	}

	value(depth: number): void {
		if (depth > MAX_DEPTH) {
			this.fail();
		}
		const char = this.text[this.pos];
		if (char === '{') {
			this.object(depth);
		} else if (char === '[') {
			this.array(depth);
		} else if (char === '"') {
			this.string();
		} else if (char === '-' || (char >= '0' && char <= '9')) {
			this.number();
		} else {
			this.literal();
		}
	}

	object(depth: number): void {
		this.pos++;
		this.skipSpace();
		if (this.text[this.pos] === '}') {
			this.pos++;
			return;
		}
		for (;;) {
			this.skipSpace();
			if (this.text[this.pos] !== '"') {
				this.fail();
			}
			this.string();
			this.skipSpace();
			if (this.text[this.pos] !== ':') {
				this.fail();
			}
			this.pos++;
			this.skipSpace();
			this.value(depth + 1);
			this.skipSpace();
			const next = this.text[this.pos];
			this.pos++;
			if (next === '}') {
				return;
			}
			if (next !== ',') {
				this.pos--;
				this.fail();
			}
		}
	}

	array(depth: number): void {
		this.pos++;
		this.skipSpace();
		if (this.text[this.pos] === ']') {
			this.pos++;
			return;
		}
		for (;;) {
			this.skipSpace();
			this.value(depth + 1);
			this.skipSpace();
			const next = this.text[this.pos];
			this.pos++;
			if (next === ']') {
				return;
			}
			if (next !== ',') {
				this.pos--;
				this.fail();
			}
		}
	}

	string(): void {
		this.pos++;
		while (this.pos < this.text.length) {
			const code = this.text.charCodeAt(this.pos);
			if (code === 0x22) {
				this.pos++;
				return;
			}
			if (code < 0x20) {
				this.fail();
			}
			if (code === 0x5c) {
				const escape = this.text[this.pos + 1];
				if (escape === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
						this.pos++;
						this.fail();
					}
					this.pos += 6;
					continue;
				}
				if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
					this.pos++;
					this.fail();
				}
				this.pos += 2;
				continue;
			}
			this.pos++;
		}
		this.fail();
	}

	number(): void {
		const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
		match.lastIndex = this.pos;
		const found = match.exec(this.text);
		if (!found || found[0] === '-' || found[0].length === 0) {
			this.fail();
		}
		this.pos += found[0].length;
	}

	literal(): void {
		for (const word of ['true', 'false', 'null']) {
			if (this.text.startsWith(word, this.pos)) {
				this.pos += word.length;
				return;
			}
		}
		this.fail();
	}
}
