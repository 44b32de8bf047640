/**
 * The pipeline the rollback tests (API and dashboard) roll back: one Deploy stage, one action
 * per region (eu-west-1, us-east-1) that writes the repository's VERSION to `dir/live/REGION`,
 * so what each region runs can be read after every execution.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFiles } from './temp.js';

/** Writes `dir/p.yaml` deploying `repo` and returns its path. */
export function writeRollbackShop(dir: string, repo: string): string {
  writeFiles(dir, {
    'p.yaml': `pipeline: shop
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: deploy-\${region}
        uses: commands
        inputs: [src]
        commands: ['mkdir -p ${dir}/live && cp VERSION ${dir}/live/\${region}']
`,
  });
  return path.join(dir, 'p.yaml');
}

/** The VERSION a region of the shop runs. */
export function liveVersion(dir: string, region: string): string {
  return fs.readFileSync(path.join(dir, 'live', region), 'utf8').trim();
}
