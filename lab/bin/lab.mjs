#!/usr/bin/env node
// Entry point of the `lab` command. The lab is written in TypeScript and runs without a build
// step: typescript-loader.mjs strips the types of each .ts module as it loads (the same loader
// lets `lab run --scheduler ./mine.ts` load a learner's plugin file).
import { setSourceMapsSupport } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `lab: Node ${process.versions.node} is too old; the lab needs Node 22.19 or newer.\n` +
      `  fix: run it through npm so the project's own Node 22 is used: \`npx lab ...\` or \`npm run lab -- ...\`\n`,
  );
  process.exit(2);
}
// `npx lab ... | head` closes our stdout early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// Imported only once the version is known to have module.registerHooks and type stripping.
const { fillCache, registerTypeScript } = await import('./typescript-loader.mjs');
// Transpiled modules are kept in the checkout's state directory (lab/cluster/paths.ts stateDir()).
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = join(process.env.LAB_STATE_DIR ?? join(repoRoot, '.lab'), 'ts-cache');
fillCache(['lab', 'controllers', 'examples'].map((dir) => join(repoRoot, dir)), cacheDir);
registerTypeScript({ cacheDir });
// Source maps only for the lab's and a learner's TypeScript, where a file needed transforming
// (see typescript-loader.mjs); node_modules ship maps too (@kubernetes/client-node one per
// generated model: ~9 MiB of heap in every lab process if Node parsed them).
setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
