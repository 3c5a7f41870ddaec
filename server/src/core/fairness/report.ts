/**
 * The demographic audit as Markdown: the representation table per axis and the group × label table with counts, rates,
 * gaps and p-values. The CLI prints it, the editor's audit view and hovers render it.
 */
import type { DemographicAudit } from './audit';
import { formatPValue, percent } from './messages';

/** Renders an audit; `maxRows` caps the association table (most significant first). */
export function auditMarkdown(audit: DemographicAudit, maxRows = 100): string {
	const lines: string[] = ['# Demographic audit', ''];
	lines.push(`${audit.records} records audited; ${audit.skippedWithoutText} skipped without text.` + labelSentence(audit));
	lines.push('');
	lines.push('## Representation (records mentioning each group, within its axis)', '');
	if (audit.representation.length === 0) {
		lines.push('No identity term of the lexicon is mentioned.', '');
	}
	for (const axis of audit.representation) {
		const verdict = [axis.dominated ? `dominated by ${axis.topGroup}` : '', axis.underRepresented.length > 0 ? `under-represented: ${axis.underRepresented.join(', ')}` : '', axis.enoughData ? '' : 'too few mentions for a claim'].filter((part) => part !== '').join('; ');
		lines.push(`### ${axis.axis.replace(/_/g, ' ')} (${axis.mentions} mentions${verdict === '' ? '' : `; ${verdict}`})`, '');
		lines.push('| group | records | share | parity | ratio to top | ambiguous only | terms |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
		for (const row of axis.rows) {
			lines.push(`| ${row.group} | ${row.records} | ${percent(row.share)} | ${percent(row.parityShare)} | ${row.ratioToTop.toFixed(2)} | ${row.ambiguousRecords} | ${row.terms.slice(0, 6).join(', ')} |`);
		}
		if (axis.absentGroups.length > 0) {
			lines.push('', `Not mentioned: ${axis.absentGroups.join(', ')}.`);
		}
		lines.push('');
	}
	lines.push('## Group × label association', '');
	const rows = [...audit.association.rows].sort((left, right) => left.adjustedPValue - right.adjustedPValue || right.difference - left.difference);
	if (rows.length === 0) {
		lines.push(audit.association.labels.length < 2 ? 'No labels to associate (fewer than two label values).' : 'No group is mentioned often enough to be tested.', '');
	} else {
		lines.push(`${audit.association.tests} tests, Bonferroni-corrected. The four-fifths column is a heuristic, not a verdict.`, '');
		lines.push('| group | label | n | rate (95% CI) | overall | difference | ratio | < 4/5 | test | p (adjusted) | Cramér\'s V | flagged |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: | --- | ---: | ---: | :---: |');
		for (const row of rows.slice(0, maxRows)) {
			const interval = `${percent(row.groupRate)} (${percent(row.groupRateInterval[0])}–${percent(row.groupRateInterval[1])})`;
			const difference = `${row.difference >= 0 ? '+' : ''}${(row.difference * 100).toFixed(1)} pts`;
			lines.push(`| ${row.axis}/${row.group} | ${row.label} | ${row.count} | ${interval} | ${percent(row.overallRate)} | ${difference} | ${row.ratio.toFixed(2)} | ${row.belowFourFifths ? 'yes' : ''} | ${row.test} | ${formatPValue(row.adjustedPValue).replace(/^p [=<] ?/, (prefix) => (prefix.includes('<') ? '< ' : ''))} | ${row.cramersV.toFixed(2)} | ${row.significant ? '**yes**' : ''} |`);
		}
		if (rows.length > maxRows) {
			lines.push('', `${rows.length - maxRows} more rows not shown.`);
		}
		lines.push('');
	}
	const untested = audit.association.untestedGroups;
	if (untested.length > 0) {
		lines.push(`Not tested (mentioned by too few records): ${untested.map((group) => `${group.group} (${group.count})`).join(', ')}.`, '');
	}
	return lines.join('\n');
}

function labelSentence(audit: DemographicAudit): string {
	switch (audit.labelSource) {
		case 'label':
			return ' Labels: the label field.';
		case 'answer':
			return ' Labels: the answer classes (a small set of distinct answers).';
		case 'refusal':
			return ' Labels: refusal-like answers against the others.';
		default:
			return ' No labels found.';
	}
}
