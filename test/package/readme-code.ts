/**
 * Finds the README's quick start code, so the packed-consumer test checks the very code users copy.
 * Fails loudly when the section or its code is gone: a silent empty result would check nothing.
 */

/** The ```ts (or ```typescript) blocks of the level-2 section titled `heading`, in order. */
export function typescriptBlocks(markdown: string, heading: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => /^##\s+(.*?)\s*#*\s*$/.exec(line)?.[1]?.toLowerCase() === heading.toLowerCase());
  if (start === -1) throw new Error(`README has no "## ${heading}" heading: the packed-consumer test type-checks the code under it.`);
  const blocks: string[] = [];
  let fence: { marker: string; lines: string[] } | undefined;
  for (const line of lines.slice(start + 1)) {
    if (fence) {
      if (line.trim() === fence.marker) {
        blocks.push(`${fence.lines.join('\n')}\n`);
        fence = undefined;
      } else fence.lines.push(line);
      continue;
    }
    if (/^#{1,2}\s/.test(line)) break;
    const open = /^(```+|~~~+)\s*(ts|typescript)\s*$/i.exec(line);
    if (open) fence = { marker: open[1]!, lines: [] };
  }
  if (fence) throw new Error(`README's "## ${heading}" section has a code block that is never closed.`);
  if (blocks.length === 0) throw new Error(`README's "## ${heading}" section has no \`\`\`ts code block to check.`);
  return blocks;
}
