#!/usr/bin/env node
// npm create statesync <dir> -- --template <name> [--packs <folder>]
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createProject } from './create-project.js';
import { isTemplateName, TEMPLATES } from './templates.js';

const usage = `Usage: create-statesync <dir> --template <name> [--packs <folder of npm run pack>]

Templates:
${Object.entries(TEMPLATES)
  .map(([name, summary]) => `  ${name.padEnd(22)} ${summary}`)
  .join('\n')}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      template: { type: 'string', short: 't' },
      packs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [target] = positionals;
  if (target === undefined || !isTemplateName(values.template) || positionals.length > 1) {
    console.error(usage);
    return 1;
  }
  // `npm run create` runs in the clone's root; a relative folder means where npm was started.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const created = await createProject({
    dir: resolve(cwd, target),
    template: values.template,
    ...(values.packs !== undefined && { packs: resolve(cwd, values.packs) }),
  });
  const shown = relative(cwd, created.dir) || '.';
  console.log(`Created ${shown} from the ${created.template} template.`);
  for (const [name, spec] of Object.entries(created.statesync)) console.log(`  ${name}: ${spec}`);
  console.log(`\nNext:\n  cd ${shown}\n  npm install\n  npm run dev`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`create-statesync: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  },
);
