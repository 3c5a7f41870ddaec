/**
 * DOM helpers of the report. Dataset text is untrusted, so it only ever enters the page as `textContent` (never as
 * HTML), with invisible direction controls made visible so that a bidi trick cannot reorder what the reader sees.
 */

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (never event handler attributes) and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		element.setAttribute(name, value);
	}
	for (const child of children) {
		if (child !== null && child !== undefined && child !== false) {
			element.append(typeof child === 'string' ? document.createTextNode(child) : child);
		}
	}
	return element;
}

/** Direction controls and other invisible format characters, shown as ⟨U+XXXX⟩ instead of acting on the text. */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Untrusted text as a text node, with invisible controls made visible. */
export function visibleText(text: string): string {
	return text.replace(INVISIBLE, (char) => `⟨U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** Untrusted text in an isolating element, so that it cannot change the direction of the text around it. */
export function untrusted(text: string, tag: 'bdi' | 'span' = 'bdi'): HTMLElement {
	const element = document.createElement(tag);
	element.className = 'untrusted';
	element.textContent = visibleText(text);
	return element;
}

/** A number with thousands separators. */
export function formatCount(value: number): string {
	return value.toLocaleString('en-US');
}

/** A p-value in a short readable form. */
export function formatP(value: number): string {
	return value < 1e-4 ? value.toExponential(1) : value.toPrecision(2);
}

/** A share as a percentage. */
export function formatPercent(value: number): string {
	return `${(value * 100).toFixed(1)}%`;
}

/** A section with a heading, for the report's outline. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
	return h('section', { id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...children);
}
