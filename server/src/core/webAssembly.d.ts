// The engine compiles with `lib: ["ES2022"]` and `types: []`, which declare neither WebAssembly nor TextEncoder (the DOM
// lib and @types/node do). These are the few members that dedup/charMinimaWasm.ts uses, typed as every JavaScript
// runtime the engine runs in (Node, the VS Code extension host, browsers) provides them. They are declared as possibly
// absent: the engine falls back to plain JavaScript where a runtime lacks them.

declare namespace WebAssembly {
	class Module {
		constructor(bytes: Uint8Array);
	}
	class Instance {
		constructor(module: Module, imports?: object);
		readonly exports: Record<string, unknown>;
	}
	class Memory {
		readonly buffer: ArrayBuffer;
		grow(pages: number): number;
	}
}

declare class TextEncoder {
	encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
