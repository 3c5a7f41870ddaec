/**
 * The public API of the engine: text or lines in, plain findings out. Adapters (the language server, the CLI,
 * training) import from here only.
 */
export { DocumentLinter, lintLines, lintText, type LineSource, type LintOptions, type LintResult } from './engine';
export { recordContent, type RecordContent, type Turn } from './content';
export { detectRecordFormat, DATASET_FORMATS } from './formats';
export { parseLine, splitLines, isJsonObject } from './records';
export { ALL_RULES, ruleById } from './rules';
export type { Rule, RuleMeta } from './rule';
export { defaultSettings, mergeSettings, parseSeverity, parseCategory, effectiveSeverity, type SettingsProblem } from './settings';
export * from './types';
