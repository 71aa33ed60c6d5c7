import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { buildNodeImage } from '../../cluster/image/build.js';
import { loadImageArchive } from '../../cluster/nodes.js';
import { BadInputError } from '../errors.js';
import { emit, parseOutputFormat, Progress, seconds } from '../output.js';

export function register(program: Command): void {
  const image = program.command('image').description('the offline kind node image and the lab\'s workload images');
  image
    .command('build')
    .description('build the node image (Kubernetes v1.34 from Go modules, Debian packages) and lab.local/* images; cached by inputs')
    .option('--force', 'rebuild the node image even when its inputs did not change')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text').argParser(parseOutputFormat))
    .addHelpText('after', '\nExamples:\n  $ npx lab image build          # ~20-30 min cold on 2 cores, about a minute warm\n  $ LAB_CACHE_DIR=/big/disk npx lab image build')
    .action(async (opts: { force?: boolean; output: 'text' | 'json' }) => {
      const result = await buildNodeImage(new Progress(), { force: !!opts.force });
      emit(opts.output, result, (r) => `${r.nodeImage} ${r.rebuilt ? 'built' : 'up to date'} in ${seconds(r.durationMs)} (inputs ${r.inputsKey})`);
    });
  image
    .command('load')
    .description('load an image archive (docker save output) into every node of the cluster')
    .argument('<archive>', 'path to a .tar made by `docker save`')
    .addHelpText('after', '\nExample:\n  $ docker save my/app:1 -o app.tar && npx lab image load app.tar')
    .action(async (archive: string) => {
      if (!existsSync(archive)) throw new BadInputError(`no such file: ${archive}`, 'make one with `docker save IMAGE -o FILE.tar`');
      await new Progress().step(`loading ${archive} into every node`, () => loadImageArchive(archive));
    });
}
