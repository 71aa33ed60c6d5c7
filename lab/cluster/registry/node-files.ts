import { LabError } from '../../base/errors.js';
import { execInNode } from '../nodes.js';

/** Files inside a kind node, through `docker exec`. */

export async function readNodeFile(node: string, path: string): Promise<string | undefined> {
  const result = await execInNode(node, ['cat', path]);
  return result.exitCode === 0 ? result.stdout + '\n' : undefined;
}

/** Written to a temporary file beside `path` and renamed: containerd never reads half a file. */
export async function writeNodeFile(node: string, path: string, content: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const script = 'mkdir -p "$1" && cat > "$2.lab-partial" && mv "$2.lab-partial" "$2"';
  const result = await execInNode(node, ['sh', '-c', script, 'sh', dir, path], { input: content });
  if (result.exitCode !== 0) throw new LabError(`writing ${path} in node ${node} failed: ${(result.stderr || result.stdout).trim()}`);
}

/** Removes the file, and its directory if that is then empty. */
export async function removeNodeFile(node: string, path: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/'));
  await execInNode(node, ['sh', '-c', 'rm -f "$1" && rmdir "$2" 2>/dev/null; true', 'sh', path, dir]);
}
