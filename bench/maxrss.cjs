// Preloaded into benchmarked processes: reports the process's peak resident set size and its CPU time (every thread's)
// when it exits.
process.on('exit', () => {
	const usage = process.resourceUsage();
	process.stderr.write(`TUNELINT_BENCH_MAXRSS_KB=${usage.maxRSS} TUNELINT_BENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
