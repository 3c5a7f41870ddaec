/** Training-log monitoring: parse the metric logs of real fine-tunes and analyse their curves. */
export * from './analyze';
export * from './parse';
