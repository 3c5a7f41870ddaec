// Preloaded into benchmarked processes: reports the process's peak resident set size when it exits.
process.on('exit', () => {
	process.stderr.write(`TUNELINT_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
