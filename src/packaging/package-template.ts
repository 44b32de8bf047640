/**
 * `meridian package`: plan the template (every problem at once, nothing uploaded when there
 * is one), then upload each artifact and rewrite its property in AWS's shape. Nested
 * templates are packaged first, written as YAML (as the CLI's yaml_dump does) and uploaded
 * as `<md5>.template`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isScalar } from 'yaml';
import { assertNever } from '../domain/errors.js';
import { zipFolder } from '../stores/artifacts/zip.js';
import { replacementFor, type StoredObject } from './object-location.js';
import type { Uploader } from './object-uploader.js';
import { planTemplate, type ArtifactReference, type ArtifactSource, type TemplatePlan } from './plan-template.js';
import { renderTemplate, type OutputFormat } from './template-file.js';

export interface PackageRequest {
  templateFile: string;
  region: string;
  uploader: Uploader;
  format: OutputFormat;
}

/** Uploads the template's artifacts and returns the rewritten template's text. */
export async function packageTemplate(request: PackageRequest): Promise<string> {
  const plan = await planTemplate(request.templateFile);
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'meridian-package-'));
  try {
    await new Packager(request, scratch).packagePlan(plan);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return renderTemplate(plan.template, request.format);
}

class Packager {
  private made = 0;

  constructor(
    private readonly request: PackageRequest,
    private readonly scratch: string,
  ) {}

  async packagePlan(plan: TemplatePlan): Promise<void> {
    for (const reference of plan.references) {
      const object = await this.upload(reference.source);
      this.replace(plan, reference, object);
    }
  }

  private async upload(source: ArtifactSource): Promise<StoredObject> {
    const { uploader } = this.request;
    switch (source.kind) {
      case 'folder':
        return uploader.upload(await this.zip(source.path));
      case 'file': {
        if (!source.zip) return uploader.upload(source.path);
        // FORCE_ZIP: the file alone in a folder, zipped, as the CLI's copy_to_temp_dir.
        const folder = this.scratchPath('single');
        await fs.mkdir(folder);
        await fs.copyFile(source.path, path.join(folder, path.basename(source.path)));
        return uploader.upload(await this.zip(folder));
      }
      case 'template': {
        await this.packagePlan(source.plan);
        const file = this.scratchPath('nested.template');
        await fs.writeFile(file, renderTemplate(source.plan.template, 'yaml'));
        return uploader.upload(file, 'template');
      }
      default:
        return assertNever(source);
    }
  }

  private async zip(folder: string): Promise<string> {
    const file = this.scratchPath('zip');
    await zipFolder(folder, file);
    return file;
  }

  private scratchPath(suffix: string): string {
    this.made += 1;
    return path.join(this.scratch, `${this.made}.${suffix}`);
  }

  private replace(plan: TemplatePlan, reference: ArtifactReference, object: StoredObject): void {
    const { container, key, shape } = reference;
    const previous = container.get(key, true);
    const node = plan.template.doc.createNode(replacementFor(shape, object, this.request.region));
    // Keep a comment written after the path (`CodeUri: ./src  # handler code`).
    if (isScalar(previous) && previous.comment) node.comment = previous.comment;
    container.set(key, node);
  }
}
