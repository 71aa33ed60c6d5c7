#!/usr/bin/env node
// Entry point of the `lab` command. The lab is written in TypeScript and runs without a build
// step: tsx registers a loader for .ts files (the same loader lets `lab run --scheduler ./mine.ts`
// load a learner's plugin file).
import { setSourceMapsSupport } from 'node:module';
import { register } from 'tsx/esm/api';

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
register();
// tsx turns source maps on for every module, so Node parses and keeps the maps that ship with
// node_modules too (@kubernetes/client-node has one per generated model: ~9 MiB of heap in every
// lab process). Stack traces need them for the lab's and a learner's TypeScript only.
setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
