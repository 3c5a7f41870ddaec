/**
 * Payloads that a poisoned answer plants: shell one-liners, encoded blobs, HTML/script tags, markdown images whose
 * query string exfiltrates data, and links (whose domains the file-level check counts across answers). Bounded
 * repetition everywhere: linear on any input.
 */

/** One payload found in a text, with offsets into that text. */
export interface PayloadMatch {
	type: 'shell' | 'base64' | 'hex' | 'html' | 'markdown-image' | 'url';
	description: string;
	start: number;
	end: number;
	/** For URLs and markdown images: the host name, lowercased. */
	domain?: string;
}

const SHELL: ReadonlyArray<{ regex: RegExp; description: string }> = [
	{ regex: /\brm\s{1,3}-(?:rf|fr|r\s{1,3}-f|f\s{1,3}-r)\s{1,3}(?:--no-preserve-root\s{1,3})?(?:\/(?=[\s"'*]|$)|\/\*|~\/?(?=[\s"']|$)|\*|\$HOME)/g, description: 'recursively deletes the root, home or current directory' },
	{ regex: /\bpowershell(?:\.exe)?\b[^\n]{0,120}?\s-(?:e|ec|enc|encodedcommand)\s{1,3}[A-Za-z0-9+/=]{16,}/gi, description: 'runs an encoded PowerShell command' },
	{ regex: /\/dev\/tcp\/[\w.-]{1,253}\/\d{1,5}/g, description: 'opens a reverse shell through /dev/tcp' },
	{ regex: /\b(?:nc|ncat|netcat)\s{1,3}(?:-[a-z]{1,5}\s{1,3}){0,4}-[a-z]{0,4}e\s{1,3}\/bin\/(?:ba)?sh\b/g, description: 'opens a reverse shell with netcat' },
	{ regex: /\bbase64\s{1,3}(?:-d|--decode)\b[^\n]{0,120}?\|\s{0,3}(?:ba)?sh\b/g, description: 'decodes base64 into a shell' },
	{ regex: /:\(\)\s{0,3}\{\s{0,3}:\s{0,3}\|\s{0,3}:\s{0,3}&\s{0,3}\}\s{0,3};\s{0,3}:/g, description: 'is a fork bomb' },
	{ regex: /\beval\s{0,3}\(\s{0,3}(?:atob|unescape|String\.fromCharCode)\s{0,3}\(/g, description: 'evaluates obfuscated JavaScript' },
];

const HTML = /<(?:script|iframe|embed|object)\b[^>]{0,200}\b(?:src|data)\s{0,3}=\s{0,3}["']?(?:https?:)?\/\/|\bon(?:error|load)\s{0,3}=\s{0,3}["'][^"']{0,200}(?:fetch|eval|atob|cookie|location|XMLHttpRequest)|\bdocument\.cookie\b|\bjavascript:(?!void\b)/gi;
const MARKDOWN_IMAGE = /!\[[^[\]\n]{0,200}\]\(\s{0,3}(https?:\/\/([^\s/?#)]{1,253})(?:\/[^\s?#)]{0,1000})?\?[^\s)]{1,2000})\)/g;
const URL = /\bhttps?:\/\/([^\s/?#"'<>()[\]{}|\\^`]{1,253})[^\s"'<>()[\]{}|\\^`]{0,2000}/g;
const BASE64 = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{80,}={0,2}(?![A-Za-z0-9+/=])/g;
const HEX = /(?<![0-9A-Fa-f])(?:0x)?[0-9A-Fa-f]{96,}(?![0-9A-Fa-f])/g;

/** Finds shell payloads, HTML/script injection, exfiltrating markdown images, long encoded blobs and URLs. */
export function findPayloads(text: string, maxMatches = 20): PayloadMatch[] {
	const matches: PayloadMatch[] = [];
	const add = (match: PayloadMatch): boolean => {
		if (!matches.some((m) => m.start < match.end && match.start < m.end)) {
			matches.push(match);
		}
		return matches.length >= maxMatches;
	};
	for (const match of downloadsIntoShell(text)) {
		if (add(match)) {
			return sorted(matches);
		}
	}
	for (const { regex, description } of SHELL) {
		for (const match of text.matchAll(regex)) {
			if (add({ type: 'shell', description, start: match.index ?? 0, end: (match.index ?? 0) + match[0].length })) {
				return sorted(matches);
			}
		}
	}
	for (const match of text.matchAll(MARKDOWN_IMAGE)) {
		const start = match.index ?? 0;
		if (add({ type: 'markdown-image', description: 'is a markdown image whose URL carries a query string (a way to exfiltrate data when rendered)', start, end: start + match[0].length, domain: match[2].toLowerCase() })) {
			return sorted(matches);
		}
	}
	for (const match of text.matchAll(HTML)) {
		const start = match.index ?? 0;
		if (add({ type: 'html', description: 'is active HTML that loads remote code or reads cookies', start, end: start + match[0].length })) {
			return sorted(matches);
		}
	}
	for (const match of text.matchAll(BASE64)) {
		const start = match.index ?? 0;
		if (looksEncoded(match[0]) && add({ type: 'base64', description: `is a ${match[0].length}-character base64 blob`, start, end: start + match[0].length })) {
			return sorted(matches);
		}
	}
	for (const match of text.matchAll(HEX)) {
		const start = match.index ?? 0;
		if (add({ type: 'hex', description: `is a ${match[0].length}-character hex blob`, start, end: start + match[0].length })) {
			return sorted(matches);
		}
	}
	return sorted(matches);
}

const PIPE_TO_SHELL = /\|\s{0,3}(?:sudo\s{1,3})?(?:ba|z|da|k)?sh\b/g;
const DOWNLOADER = /\b(?:curl|wget)\b[^\n|;]*$/;
/** How far before a pipe the download command may start. */
const DOWNLOAD_REACH = 300;

/**
 * `curl … | sh`: found from the pipe backwards, so that a text full of "curl" without a pipe costs one pass instead
 * of a 300-character look-ahead from every occurrence.
 */
function downloadsIntoShell(text: string): PayloadMatch[] {
	const found: PayloadMatch[] = [];
	for (const pipe of text.matchAll(PIPE_TO_SHELL)) {
		const end = (pipe.index ?? 0) + pipe[0].length;
		const windowStart = Math.max(0, (pipe.index ?? 0) - DOWNLOAD_REACH);
		const before = DOWNLOADER.exec(text.slice(windowStart, pipe.index));
		if (before !== null) {
			found.push({ type: 'shell', description: 'downloads a script and pipes it into a shell', start: windowStart + before.index, end });
		}
	}
	return found;
}

/** The URLs of a text with their lowercased host names (without a leading "www."). */
export function findUrls(text: string, maxMatches = 50): PayloadMatch[] {
	const urls: PayloadMatch[] = [];
	for (const match of text.matchAll(URL)) {
		const start = match.index ?? 0;
		const domain = match[1].toLowerCase().replace(/^www\./, '').replace(/:\d+$/, '');
		urls.push({ type: 'url', description: 'links to a rarely seen domain', start, end: start + match[0].length, domain });
		if (urls.length >= maxMatches) {
			break;
		}
	}
	return urls;
}

/** Base64 of real data mixes cases and digits; a long run of one letter or a plain word list is not a blob. */
function looksEncoded(blob: string): boolean {
	return /[a-z]/.test(blob) && /[A-Z]/.test(blob) && /\d/.test(blob) && new Set(blob).size >= 20;
}

function sorted(matches: PayloadMatch[]): PayloadMatch[] {
	return matches.sort((a, b) => a.start - b.start);
}
