/** Types of typescript-loader.mjs (plain JavaScript: it is what loads the lab's TypeScript). */
export declare function transpile(source: string, url: string): string;
export declare function cacheKey(source: string): string;
export declare function compiled(source: string, url: string, cacheDir: string): string;
export declare function registerTypeScript(options: { cacheDir: string }): void;
export declare function transpileInChild(files: string[], cacheDir: string): Record<string, { message: string; code?: string }>;
export declare function fillCache(dirs: string[], cacheDir: string): number;
export declare const UNUSED_ENTRY_MAX_AGE_MS: number;
export declare function pruneCache(cacheDir: string, keep: ReadonlySet<string>, now?: number): number;
