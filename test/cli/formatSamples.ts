import type { DatasetFormat } from '../../server/src/core';

const CAPITALS: ReadonlyArray<readonly [string, string]> = [
	['France', 'Paris'],
	['Spain', 'Madrid'],
	['Italy', 'Rome'],
	['Peru', 'Lima'],
	['Japan', 'Tokyo'],
	['Kenya', 'Nairobi'],
	['Canada', 'Ottawa'],
	['Egypt', 'Cairo'],
	['Norway', 'Oslo'],
	['Chile', 'Santiago'],
];

type Sample = (country: string, capital: string, index: number) => unknown;

const question = (country: string): string => `What is the capital of ${country}?`;

/** One clean record of each format, built from a country and its capital. */
const SAMPLES: Record<DatasetFormat, Sample> = {
	'openai-chat': (country, capital) => ({
		messages: [
			{ role: 'system', content: 'Answer with the name of the city.' },
			{ role: 'user', content: question(country) },
			{ role: 'assistant', content: capital },
		],
	}),
	'openai-preference': (country, capital) => ({
		input: { messages: [{ role: 'user', content: question(country) }] },
		preferred_output: [{ role: 'assistant', content: capital }],
		non_preferred_output: [{ role: 'assistant', content: `I am not sure about ${country}.` }],
	}),
	'prompt-completion': (country, capital) => ({ prompt: `${question(country)}\nAnswer:`, completion: ` ${capital}` }),
	alpaca: (country, capital) => ({ instruction: 'Name the capital of the country.', input: country, output: capital }),
	sharegpt: (country, capital) => ({ conversations: [{ from: 'human', value: question(country) }, { from: 'gpt', value: capital }] }),
	'sharegpt-preference': (country, capital) => ({
		conversations: [{ from: 'human', value: question(country) }],
		chosen: { from: 'gpt', value: capital },
		rejected: { from: 'gpt', value: `No idea about ${country}.` },
	}),
	'trl-preference': (country, capital) => ({ prompt: question(country), chosen: ` ${capital}.`, rejected: ` Not ${capital}.` }),
	'unpaired-preference': (country, capital, index) => ({ prompt: question(country), completion: index % 2 === 0 ? capital : `Not ${capital}`, label: index % 2 === 0 }),
	'prompt-only': (country) => ({ prompt: question(country) }),
	text: (country, capital) => ({ text: `${capital} is the capital of ${country}.` }),
	'vertex-gemini': (country, capital) => ({
		systemInstruction: { parts: [{ text: 'Answer with the name of the city.' }] },
		contents: [{ role: 'user', parts: [{ text: question(country) }] }, { role: 'model', parts: [{ text: capital }] }],
	}),
	classification: (country, capital, index) => ({ text: `${capital} is in ${country}.`, label: index % 3 === 0 ? 'geography' : 'travel' }),
};

/** Ten distinct, valid records of the format: the smallest file the format rules accept without an error. */
export function cleanRecords(format: DatasetFormat): unknown[] {
	return CAPITALS.map(([country, capital], index) => SAMPLES[format](country, capital, index));
}
