/**
 * Credentials and personal data in training text. Provider key formats are anchored on their fixed prefixes, and
 * personal data is checked beyond the pattern (Luhn for card numbers, public ranges for IP addresses), so ordinary
 * numbers and version strings do not match. Every pattern has bounded repetition: linear on any input.
 */

/** One secret or personal datum found in a text, with offsets into that text. */
export interface SensitiveMatch {
	/** What was found, e.g. `aws-access-key`, `email`. */
	type: string;
	/** Human name for messages, e.g. "AWS access key ID". */
	name: string;
	start: number;
	end: number;
	/** The placeholder a redaction writes. */
	placeholder: string;
}

interface Pattern {
	type: string;
	name: string;
	regex: RegExp;
	placeholder: string;
	/** Extra check on the matched text (checksums, placeholders that are not real values). */
	accept?: (match: string) => boolean;
}

/** Documentation examples and template values are not leaks. */
const NOT_REAL = /example|sample|dummy|your[_-]?|xxxx|\*{4}|placeholder|<|\.\.\./i;
/** Passwords that only ever appear as examples. */
const TOY_PASSWORD = /password1?2?3|changeme|letmein|qwerty|123456/i;

const SECRET_PATTERNS: readonly Pattern[] = [
	{ type: 'aws-access-key', name: 'AWS access key ID', regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g, placeholder: '[REDACTED_AWS_ACCESS_KEY]' },
	{ type: 'aws-secret-key', name: 'AWS secret access key', regex: /\baws_?secret_?(?:access_?)?key["']?\s{0,5}[:=]\s{0,5}["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi, placeholder: '[REDACTED_AWS_SECRET_KEY]' },
	{ type: 'anthropic-key', name: 'Anthropic API key', regex: /\bsk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{80,120}/g, placeholder: '[REDACTED_ANTHROPIC_KEY]' },
	{ type: 'openai-key', name: 'OpenAI API key', regex: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,200}/g, placeholder: '[REDACTED_OPENAI_KEY]' },
	{ type: 'github-token', name: 'GitHub token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b/g, placeholder: '[REDACTED_GITHUB_TOKEN]' },
	{ type: 'slack-token', name: 'Slack token', regex: /\bxox[baprse]-[A-Za-z0-9-]{10,200}/g, placeholder: '[REDACTED_SLACK_TOKEN]' },
	{ type: 'slack-webhook', name: 'Slack webhook URL', regex: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,32}/g, placeholder: '[REDACTED_SLACK_WEBHOOK]' },
	{ type: 'google-api-key', name: 'Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, placeholder: '[REDACTED_GOOGLE_API_KEY]' },
	{ type: 'stripe-key', name: 'Stripe secret key', regex: /\b[sr]k_live_[0-9a-zA-Z]{24,99}\b/g, placeholder: '[REDACTED_STRIPE_KEY]' },
	{ type: 'huggingface-token', name: 'Hugging Face token', regex: /\bhf_[A-Za-z0-9]{34,40}\b/g, placeholder: '[REDACTED_HF_TOKEN]' },
	{ type: 'private-key', name: 'private key', regex: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g, placeholder: '[REDACTED_PRIVATE_KEY]' },
	{ type: 'jwt', name: 'JSON Web Token', regex: /\beyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{10,2000}/g, placeholder: '[REDACTED_JWT]' },
	{
		type: 'password-assignment',
		name: 'hard-coded password or API key',
		regex: /\b(?:password|passwd|api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)["']?\s{0,5}[:=]\s{0,5}["'][^"'\s]{8,100}["']/gi,
		placeholder: '[REDACTED_SECRET]',
		accept: (match) => !TOY_PASSWORD.test(match.replace(/^[^:=]*[:=]/, '')),
	},
];

/** Finds provider credentials and hard-coded secrets. */
export function findSecrets(text: string, maxMatches = 20): SensitiveMatch[] {
	return scan(text, SECRET_PATTERNS, maxMatches).filter((match) => !NOT_REAL.test(text.slice(match.start, match.end)));
}

const PII_PATTERNS: readonly Pattern[] = [
	{
		type: 'email',
		name: 'email address',
		regex: /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])/g,
		placeholder: '[EMAIL]',
		accept: (match) => !/@(?:[\w-]+\.)*(?:example|test|invalid|localhost|domain|email|company|yourcompany|mail)\.\w+$/i.test(match) && !/@[\w.-]*\.(?:png|jpe?g|gif|svg|webp)$/i.test(match),
	},
	{
		type: 'credit-card',
		name: 'credit card number',
		regex: /(?<![\d-])(?:4\d{3}|5[1-5]\d{2}|2[2-7]\d{2}|3[47]\d{2}|6(?:011|5\d{2}))(?:[ -]?\d{4}){2}[ -]?\d{1,4}(?:[ -]?\d{3})?(?![\d-])/g,
		placeholder: '[CREDIT_CARD]',
		accept: (match) => luhnValid(match.replace(/\D/g, '')),
	},
	{
		type: 'us-ssn',
		name: 'US social security number',
		regex: /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g,
		placeholder: '[SSN]',
	},
	{
		type: 'phone',
		name: 'phone number',
		regex: /(?<![\w+.-])(?:\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,3}|\(\d{3}\) ?\d{3}[-. ]\d{4}|\d{3}[-.]\d{3}[-.]\d{4})(?![\w-]|\.\d)/g,
		placeholder: '[PHONE]',
		accept: (match) => {
			const digits = match.replace(/\D/g, '').length;
			return digits >= 10 && digits <= 15 && !/^\d{3}-\d{2}-\d{4}$/.test(match);
		},
	},
	{
		type: 'ip-address',
		name: 'public IP address',
		regex: /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?!\w|\.\d)/g,
		placeholder: '[IP_ADDRESS]',
		accept: isPublicIpv4,
	},
];

/** Finds personal data: emails, card numbers (Luhn-checked), US SSNs, phone numbers, public IPv4 addresses. */
export function findPersonalData(text: string, maxMatches = 20): SensitiveMatch[] {
	return scan(text, PII_PATTERNS, maxMatches);
}

function scan(text: string, patterns: readonly Pattern[], maxMatches: number): SensitiveMatch[] {
	const matches: SensitiveMatch[] = [];
	for (const pattern of patterns) {
		pattern.regex.lastIndex = 0;
		for (const match of text.matchAll(pattern.regex)) {
			const start = match.index ?? 0;
			const end = start + match[0].length;
			if ((pattern.accept === undefined || pattern.accept(match[0])) && !matches.some((m) => m.start < end && start < m.end)) {
				matches.push({ type: pattern.type, name: pattern.name, start, end, placeholder: pattern.placeholder });
			}
			if (matches.length >= maxMatches) {
				return matches.sort((a, b) => a.start - b.start);
			}
		}
	}
	return matches.sort((a, b) => a.start - b.start);
}

/** The Luhn checksum of a digit string (13 to 19 digits, as card numbers have). */
export function luhnValid(digits: string): boolean {
	if (digits.length < 13 || digits.length > 19) {
		return false;
	}
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			digit *= 2;
			if (digit > 9) {
				digit -= 9;
			}
		}
		sum += digit;
	}
	return sum % 10 === 0;
}

/** Private, loopback, link-local, documentation and multicast ranges identify nobody. */
function isPublicIpv4(address: string): boolean {
	const [a, b, c] = address.split('.').map(Number);
	if (a === 0 || a === 10 || a === 127 || a >= 224) {
		return false;
	}
	if ((a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) {
		return false;
	}
	// TEST-NET-1/2/3 (RFC 5737) are reserved for documentation.
	return !((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113));
}
