// Writes docs/codepipeline-support.md from src/definition/support.ts, the table `meridian
// providers` prints. The TypeScript source is compiled in memory with esbuild (a dev
// dependency, as for scripts/build.mjs), so the page never lags behind an unbuilt dist/.
//
//   node scripts/support-table.mjs            write the page
//   node scripts/support-table.mjs --stdout   print it instead (test/definition/support.test.ts compares)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PAGE = 'docs/codepipeline-support.md';
export const COMMAND = 'node scripts/support-table.mjs';

async function loadSupport() {
  const result = await build({
    entryPoints: [`${ROOT}src/definition/support.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

const cell = (text) => text.replaceAll('|', '\\|');

export function renderPage({ SUPPORT, STATUS_WORDS }) {
  const rows = SUPPORT.map((entry) => {
    const detail = entry.status === 'refused' ? `${entry.note}; instead: ${entry.alternative}` : entry.note;
    return `| \`${entry.type}\` | ${STATUS_WORDS[entry.status]} | ${cell(detail)} |`;
  });
  const count = (status) => SUPPORT.filter((entry) => entry.status === status).length;
  return `# CodePipeline support

<!-- Generated from src/definition/support.ts by \`${COMMAND}\`; do not edit by hand.
     test/definition/support.test.ts fails when this page is stale. -->

What Meridian does with each CodePipeline action type and stage-condition rule, and with its
own types (owner \`Meridian\`). Each is in one of three states:

- **${STATUS_WORDS.runs}** (${count('runs')} types): Meridian runs it as the type is documented.
- **${STATUS_WORDS.substitute}** (${count('substitute')}): Meridian runs it on this machine with a local
  stand-in for the AWS service, named in the table (a git fetch instead of a connection, the
  buildspec on this host instead of CodeBuild).
- **${STATUS_WORDS.refused}** (${count('refused')}): \`meridian validate\` refuses it at its file, line and
  column, naming what to write instead; \`run\` and \`serve\` validate first and start nothing.
  Nothing is accepted and then ignored.

\`npx meridian providers\` prints the same table, plus any provider registered beyond these;
\`npx meridian providers --json\` prints it as \`[{ type, status, note, alternative? }]\` for
tools. The table lives in \`src/definition/support.ts\`, where the validation rules take their
hints from; a test keeps it in step with the registered providers. This page is generated
from it by \`${COMMAND}\`.

[Moving a CodePipeline to Meridian](moving-from-codepipeline.md) walks a template through
validate, run, import and export; [Definition formats](formats.md) has both formats.

| type | here | what happens, or what to use instead |
| --- | --- | --- |
${rows.join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = renderPage(await loadSupport());
  if (process.argv.includes('--stdout')) process.stdout.write(page);
  else {
    writeFileSync(`${ROOT}${PAGE}`, page);
    console.log(`wrote ${PAGE}`);
  }
}
