import { Command } from 'commander';
import { buildNodeImage } from '../../cluster/image/build.js';
import { loadArchive } from '../../cluster/image/archive/load.js';
import { saveImageArchive } from '../../cluster/image/archive/save.js';
import { formatBytes } from '../../cluster/image/archive/transfer-meter.js';
import { emit, outputOption, printResult, type OutputFormat } from '../output.js';
import { examples } from '../help.js';
import { Progress, seconds } from '../../base/progress.js';


export function register(program: Command): void {
  const image = program.command('image').description('the offline kind node image and the lab\'s workload images');
  image
    .command('build')
    .description('build the node image (Kubernetes v1.34 from Go modules, Debian packages) and lab.local/* images; cached by inputs')
    .option('--force', 'rebuild the node image even when its inputs did not change')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab image build          # ~20-30 min cold on 2 cores, about a minute warm', 'LAB_CACHE_DIR=/big/disk npx lab image build'))
    .action(async (opts: { force?: boolean; output: OutputFormat }) => {
      const result = await buildNodeImage(new Progress(), { force: !!opts.force });
      emit(opts.output, result, (r) => `${r.nodeImage} ${r.rebuilt ? 'built' : 'up to date'} in ${seconds(r.durationMs)} (inputs ${r.inputsKey})`);
    });
  image
    .command('save')
    .description('write the node image, the workload images and kind/kubectl into one archive, for machines without Go or a network')
    .argument('<file>', 'the archive to write (written as FILE.partial, renamed when complete)')
    .option('--only-workloads', 'leave out the node image and the tools (for machines that already have them)')
    .option('--with-image <image...>', 'also carry these images (e.g. your own exercise images); they are loaded into the nodes too')
    .option('--gzip', 'compress the images (gzip level 1): ~2.7x smaller, but saving takes ~2x and loading ~1.3x as long')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab image save /media/usb/lab-images.tar      # on the machine that ran `npx lab image build`', 'npx lab image load /media/usb/lab-images.tar      # on each of the others, then `npx lab up`'))
    .action(async (file: string, opts: { onlyWorkloads?: boolean; withImage?: string[]; gzip?: boolean; output: OutputFormat }) => {
      const result = await saveImageArchive(new Progress(), file, {
        onlyWorkloads: !!opts.onlyWorkloads, withImages: opts.withImage ?? [], compression: opts.gzip ? 'gzip' : 'none',
      });
      emit(opts.output, result, (r) => [
        `${r.archive}: ${formatBytes(r.bytes)} in ${seconds(r.durationMs)}`,
        ...r.images.map((i) => `  ${i.role.padEnd(8)} ${i.name} ${i.id.slice(0, 19)} (${formatBytes(i.archivedBytes)})`),
        ...(r.tools.length ? [`  tools    ${r.tools.join(', ')}`] : []),
        `load it on another machine: npx lab image load ${file}`,
      ].join('\n'));
    });
  image
    .command('load')
    .description('load an archive from `lab image save` (checked first: manifest and checksums) into Docker and the nodes, or a `docker save` tar into every node')
    .argument('<archive>', 'a file made by `npx lab image save`, or a .tar made by `docker save`')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab image load lab-images.tar && npx lab up   # no Go build: the node image is up to date', 'docker save my/app:1 -o app.tar && npx lab image load app.tar'))
    .action(printResult((archive: string) => loadArchive(new Progress(), archive), (r) => [
      r.kind === 'lab'
        ? `loaded ${r.images.length} image(s) from ${r.archive} in ${seconds(r.timings.totalMs)} (check ${seconds(r.timings.verifyMs)}, docker load ${seconds(r.timings.dockerLoadMs)}, nodes ${seconds(r.timings.nodesMs)})`
        : `loaded ${r.archive} into ${r.nodes.length} node(s) in ${seconds(r.timings.totalMs)}`,
      ...r.images.map((i) => `  ${i.role.padEnd(8)} ${i.name} ${i.id.slice(0, 19)}`),
      ...(r.kind === 'lab' && r.nodes.length ? [`  workload images are in the nodes: ${r.nodes.join(', ')}`] : []),
      ...(r.tools.length ? [`  tools    ${r.tools.join(', ')} (in the lab's cache)`] : []),
      ...(r.nodeImageMatchesCheckout ? ['next: npx lab up   (the node image is up to date; no Go build)'] : []),
    ].join('\n')));
}
