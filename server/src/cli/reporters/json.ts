import { toJsonFinding, type Reporter } from './types';

/** `--format json`: one array of findings over all files. */
export const jsonReporter: Reporter = (reports) =>
	JSON.stringify(reports.flatMap((report) => report.result.findings.map((finding) => toJsonFinding(report.file, finding))), null, 2);
