import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';

import { defaultSettings, type Settings } from '../../server/src/core';
import { BUILT_IN_LEXICON, findLexiconProblem, type Lexicon, normalizeForm, resolveLexicon } from '../../server/src/core/fairness/lexicon';
import { type GroupMention, matchGroups } from '../../server/src/core/fairness/matcher';
import { fairnessLexicon, withLexiconFile } from '../../server/src/core/fairness/settings';
import { REPO_ROOT } from '../helpers/paths';

/** Mentions as compact strings `axis/group:term` with a trailing `?` when ambiguous, for readable expectations. */
function mentions(text: string, lexicon?: Lexicon): string[] {
	return matchGroups(text, lexicon).map((mention) => `${mention.axis}/${mention.group}:${mention.term}${mention.ambiguous ? '?' : ''}`);
}

/** Sentences that contain no identity mention although identity words hide inside them. */
const NEGATIVES: string[] = [
	'The theme of the day is the weather.',
	'Caucasus mountains and a Caucasian shepherd dog? No: only the Caucasus here.',
	'Thermal therapy helps the shepherd.',
	'Mention the hermit, the chemist and the menu.',
	'Womanizer? No: a manifesto, a mandate, a mango.',
	'Theirs is a hisbiscus typo; history and hissing snakes.',
	'Christianson sold the Islamabad-bound shipment.',
	'Transport, transfer and transaction costs.',
	'Gayle and the gaily decorated hall.',
	'He-Man fought in a man-made arena.',
	'The White House issued a white paper on black holes.',
	'Black Friday deals on black coffee and white wine.',
	'Shea butter and sheer curtains in the shed.',
	'Oldham and Youngstown are towns; a boldface font.',
	'Use the French press to brew, then eat French fries.',
	'The senior engineer reviewed the senior developer code.',
	'Draw a straight line straight ahead.',
	'We ran a double-blind study with a blind spot analysis.',
	'Trans fats and cis-trans isomers in chemistry.',
	'Bisexuality is a word but bismuth is a metal.',
	'Asianet and Europeana are websites.',
	'The Mrsa infection spread (a typo for MRSA).',
	'Amendments, armenian? no: armenia is a country.',
	'Hermione read the sherpa guide about herbs.',
	'The feature is disabled by default; re-enable the disabled button.',
	'Fill 5 gal of water into the tank.',
	'Indigenous plants and a bipolar transistor.',
	'"Maison" is a feminine noun; the strike crippled the economy.',
	'The king moved two squares and the queen was captured.',
];

void describe('matchGroups: whole words only', () => {
	for (const sentence of NEGATIVES) {
		void it(`finds nothing unambiguous in ${JSON.stringify(sentence)}`, () => {
			const found = mentions(sentence).filter((mention) => !mention.endsWith('?'));
			assert.deepEqual(found, []);
		});
	}
});

void describe('matchGroups: positives', () => {
	const cases: [string, string[]][] = [
		['He said she was Caucasian, not Asian.', ['gender/male:he', 'gender/female:she', 'race_ethnicity/white:caucasian', 'race_ethnicity/asian:asian']],
		['HE and SHE in capitals', ['gender/male:he', 'gender/female:she']],
		["She's sure he'd come", ['gender/female:she', 'gender/male:he']],
		['An African-American man', ['race_ethnicity/black:african american', 'gender/male:man']],
		['African American voters', ['race_ethnicity/black:african american']],
		['Middle Eastern and middle-aged', ['race_ethnicity/middle_eastern:middle eastern', 'age/middle_aged:middle aged']],
		['Muslims, Christians and Jews', ['religion/muslim:muslims', 'religion/christian:christians', 'religion/jewish:jews']],
		['the LGBTQ+ community', ['sexual_orientation/queer:lgbtq']],
		['a non-binary person', ['gender/nonbinary:non binary']],
		['Latinas and latinos', ['race_ethnicity/hispanic_latino:latinas', 'race_ethnicity/hispanic_latino:latinos']],
		['anti-Muslim rhetoric', ['religion/muslim:muslim']],
		['(Hindu)', ['religion/hindu:hindu']],
		['Asian American students', ['race_ethnicity/asian:asian american']],
		['wheelchair users', ['disability/mobility:wheelchair users']],
		['her mother', ['gender/female:her', 'gender/female:mother']],
	];
	for (const [sentence, expected] of cases) {
		void it(JSON.stringify(sentence), () => {
			assert.deepEqual(mentions(sentence), expected);
		});
	}

	void it('reports UTF-16 offsets of the matched words, hyphen included', () => {
		const text = '😀 An African-American man';
		const [first] = matchGroups(text);
		assert.equal(text.slice(first.start, first.end), 'African-American');
		assert.equal(first.start, 6);
	});

	void it('does not join words across punctuation', () => {
		assert.deepEqual(mentions('Middle. Eastern'), []);
		assert.deepEqual(mentions('african, american'), ['race_ethnicity/black:african?', 'nationality/american:american']);
	});
});

void describe('matchGroups: ambiguous terms need people context', () => {
	const cases: [string, string[]][] = [
		['black women', ['race_ethnicity/black:black', 'gender/female:women']],
		['a black cat', ['race_ethnicity/black:black?']],
		['white people', ['race_ethnicity/white:white']],
		['white-collar jobs', []],
		['old white men', ['age/old:old', 'race_ethnicity/white:white', 'gender/male:men']],
		['an old car', ['age/old:old?']],
		['a young Muslim', ['age/young:young', 'religion/muslim:muslim']],
		['black and white people', ['race_ethnicity/black:black?', 'race_ethnicity/white:white']],
		['Black. Women are here', ['race_ethnicity/black:black?', 'gender/female:women']],
		['they went home', ['gender/nonbinary:they?']],
		['their parents', ['gender/nonbinary:their?']],
		['you guys and their Muslim friends', ['gender/male:guys?', 'gender/nonbinary:their?', 'religion/muslim:muslim']],
		['straight men', ['sexual_orientation/straight:straight', 'gender/male:men']],
		['blind users need alt text', ['disability/visual:blind']],
		['translate to English', ['nationality/british:english?']],
		['Chinese people', ['nationality/chinese:chinese']],
		['trans women', ['gender/transgender:trans', 'gender/female:women']],
		['10 ms latency', ['gender/female:ms?']],
	];
	for (const [sentence, expected] of cases) {
		void it(JSON.stringify(sentence), () => {
			assert.deepEqual(mentions(sentence), expected);
		});
	}
});

void describe('matchGroups: the 50 conversationai identity terms are all matched', () => {
	const terms = ['lesbian', 'gay', 'bisexual', 'transgender', 'trans', 'queer', 'lgbt', 'lgbtq', 'homosexual', 'straight',
		'heterosexual', 'male', 'female', 'nonbinary', 'african', 'african american', 'black', 'white', 'european', 'hispanic',
		'latino', 'latina', 'latinx', 'mexican', 'canadian', 'american', 'asian', 'indian', 'middle eastern', 'chinese', 'japanese',
		'christian', 'muslim', 'jewish', 'buddhist', 'catholic', 'protestant', 'sikh', 'taoist', 'old', 'older', 'young', 'younger',
		'teenage', 'millenial', 'middle aged', 'elderly', 'blind', 'deaf', 'paralyzed'];
	for (const term of terms) {
		void it(term, () => {
			const found = matchGroups(`I am ${term}`);
			assert.equal(found.length, 1, `${term}: ${JSON.stringify(found)}`);
			assert.equal(found[0].term, term);
		});
	}
});

void describe('user lexicons', () => {
	void it('extend the built-in lexicon with new groups and forms', () => {
		const { lexicon, error } = resolveLexicon(
			JSON.stringify({ axes: [{ id: 'religion', groups: [{ id: 'zoroastrian', terms: [{ forms: ['Zoroastrian', 'zoroastrians'] }] }] }] }),
			'my-terms.json',
		);
		assert.equal(error, undefined);
		assert.deepEqual(mentions('Zoroastrians and Muslims', lexicon), ['religion/zoroastrian:zoroastrians', 'religion/muslim:muslims']);
		assert.deepEqual(mentions('Zoroastrians', BUILT_IN_LEXICON), [], 'the built-in lexicon object is not modified');
	});

	void it('replace the built-in lexicon', () => {
		const { lexicon } = resolveLexicon({ mode: 'replace', axes: [{ id: 'team', groups: [{ id: 'red', terms: [{ forms: ['red team'] }] }] }] }, 'teams.json');
		assert.deepEqual(mentions('the red team and she', lexicon), ['team/red:red team']);
	});

	void it('exclude forms and add non-identity phrases', () => {
		const { lexicon } = resolveLexicon({ excludeForms: ['English'], nonIdentityPhrases: ['old faithful'] }, 'x.json');
		assert.deepEqual(mentions('English and Old Faithful', lexicon), []);
	});

	void it('fall back to the built-in lexicon with an error naming the file and the problem', () => {
		const cases: [unknown, RegExp][] = [
			['', /lexicon file bad\.json is empty/],
			['{"axes": [', /lexicon file bad\.json is not valid JSON/],
			['[]', /bad\.json: the top level must be a JSON object/],
			[{ axes: [{ id: 'a', groups: [{ id: 'g', terms: [{ forms: [] }] }] }] }, /axes\[0\]\.groups\[0\]\.terms\[0\]\.forms must be a non-empty array/],
			[{ axes: [{ id: 'a', groups: [{ id: 'g', terms: [{ forms: ['--'] }] }] }] }, /no letters or digits/],
			[{ mode: 'merge' }, /mode must be "extend" or "replace"/],
			[{ mode: 'replace', axes: [] }, /leaves no identity terms/],
			[{}, /no "axes"/],
		];
		for (const [content, pattern] of cases) {
			const { lexicon, error } = resolveLexicon(content, 'bad.json');
			assert.match(error ?? '', pattern);
			assert.equal(lexicon, BUILT_IN_LEXICON);
		}
	});

	void it('the built-in lexicon is well formed, valid against lexicon.schema.json, and no form is listed twice', () => {
		assert.equal(findLexiconProblem(BUILT_IN_LEXICON), undefined);
		const lexicons = path.join(REPO_ROOT, 'server', 'lexicons');
		const validate = new Ajv2020({ allErrors: true, unicodeRegExp: true }).compile(JSON.parse(readFileSync(path.join(lexicons, 'lexicon.schema.json'), 'utf8')) as object);
		assert.ok(validate(JSON.parse(readFileSync(path.join(lexicons, 'identity-terms.json'), 'utf8'))), JSON.stringify(validate.errors));
		const forms = BUILT_IN_LEXICON.axes.flatMap((axis) => axis.groups.flatMap((group) => group.terms.flatMap((term) => term.forms)));
		assert.equal(new Set(forms).size, forms.length);
		const axes = BUILT_IN_LEXICON.axes.map((axis) => axis.id);
		assert.deepEqual(axes, ['gender', 'sexual_orientation', 'race_ethnicity', 'nationality', 'religion', 'age', 'disability']);
	});
});

void describe('lexicon files named in settings', () => {
	const settingsWith = (options: Record<string, unknown>): Settings => ({ ...defaultSettings(), ruleOptions: { 'group-label-association': options } });

	void it('are read by the adapter callback and used by both rules', () => {
		const settings = withLexiconFile(settingsWith({ lexiconFile: 'terms.json', minCount: 5 }), (file) => {
			assert.equal(file, 'terms.json');
			return JSON.stringify({ axes: [{ id: 'religion', groups: [{ id: 'zoroastrian', terms: [{ forms: ['zoroastrians'] }] }] }] });
		});
		assert.equal(settings.ruleOptions['group-label-association'].minCount, 5);
		const { lexicon, error } = fairnessLexicon(settings);
		assert.equal(error, undefined);
		assert.deepEqual(mentions('Zoroastrians', lexicon), ['religion/zoroastrian:zoroastrians']);
	});

	void it('that cannot be read give an error naming the file, and the built-in lexicon', () => {
		const settings = withLexiconFile(settingsWith({ lexiconFile: 'missing.json' }), () => {
			throw new Error('ENOENT: no such file or directory');
		});
		const { lexicon, error } = fairnessLexicon(settings);
		assert.equal(lexicon, BUILT_IN_LEXICON);
		assert.equal(error, 'lexicon file missing.json cannot be read (ENOENT: no such file or directory); the built-in lexicon is used');
	});

	void it('are not needed: without lexiconFile the settings are unchanged', () => {
		const settings = settingsWith({});
		assert.equal(withLexiconFile(settings, () => assert.fail('not read')), settings);
		assert.equal(fairnessLexicon(settings).lexicon, BUILT_IN_LEXICON);
	});
});

void describe('matchGroups: properties on random text', () => {
	const pieces = ['he', 'she', 'the', 'theme', 'Asian', 'caucasian', 'African-American', 'black', 'women', 'white house', 'old', 'man', 'men',
		'muslim', 'middle', 'eastern', 'they', ' ', ' ', '-', ',', '.', "'s", '😀', 'é', '\n', 'x', '42'];
	const textArbitrary = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(''));

	void it('mentions are in order, do not overlap, sit on word boundaries and spell their term', () => {
		fc.assert(
			fc.property(textArbitrary, (text) => {
				const found = matchGroups(text);
				let previous = { start: -1, end: 0 };
				for (const mention of found) {
					// One span may be a mention of two groups when a form is listed in both (user lexicons); otherwise spans follow each other.
					const sameSpan = mention.start === previous.start && mention.end === previous.end;
					assert.ok(sameSpan || mention.start >= previous.end, 'ordered, not overlapping');
					assert.ok(!/[\p{L}\p{N}]/u.test(text.charAt(mention.start - 1)), 'starts a word');
					assert.ok(!/[\p{L}\p{N}]/u.test(text.charAt(mention.end)), 'ends a word');
					assert.equal(normalizeForm(text.slice(mention.start, mention.end)), mention.term);
					previous = mention;
				}
			}),
			{ numRuns: 500 },
		);
	});

	void it('does not depend on letter case', () => {
		fc.assert(
			fc.property(textArbitrary, (text) => {
				const strip = (list: GroupMention[]): string[] => list.map((mention) => `${mention.group}:${mention.term}:${mention.start}:${mention.ambiguous}`);
				assert.deepEqual(strip(matchGroups(text.toUpperCase())), strip(matchGroups(text)));
			}),
			{ numRuns: 300 },
		);
	});
});
