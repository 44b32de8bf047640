/**
 * Finds every local artifact a template refers to, before anything is uploaded, so that one
 * run reports every missing path at once (with FILE:LINE:COL) and a bad template uploads
 * nothing. The rules are the AWS CLI's (artifact_exporter.py): a path is relative to the
 * template's folder; `s3://` and `https://` values, maps (an intrinsic function or an S3
 * location already) and short-form intrinsic tags are left as they are; an omitted property
 * means the template's folder where the CLI packages it; nested templates are planned too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { assertNever, MeridianError, type Problem } from '../domain/errors.js';
import type { SourceLocation } from '../domain/pipeline.js';
import { SHORT_FORMS } from '../lib/yaml/intrinsic-tags.js';
import { propertiesOf, type PackageableProperty, type Shape } from './packageable-properties.js';
import { readTemplate, type TemplateFile } from './template-file.js';

export type ArtifactSource =
  | { kind: 'folder'; path: string }
  /** `zip`: a single file that must become a zip holding just that file (FORCE_ZIP). */
  | { kind: 'file'; path: string; zip: boolean }
  | { kind: 'template'; plan: TemplatePlan };

/** One property to rewrite: `container[key]` becomes the shape of the uploaded source. */
export interface ArtifactReference {
  container: YAMLMap;
  key: string;
  shape: Shape;
  source: ArtifactSource;
}

export interface TemplatePlan {
  template: TemplateFile;
  references: ArtifactReference[];
}

/** Plans a template and its nested templates; throws BAD_INPUT listing every problem. */
export async function planTemplate(file: string): Promise<TemplatePlan> {
  const planner = new Planner();
  const plan = await planner.planFile(path.resolve(file), []);
  if (planner.problems.length > 0 || plan === undefined) {
    const count = planner.problems.length;
    throw new MeridianError('BAD_INPUT', `${count} problem${count === 1 ? '' : 's'} in ${file}; nothing was uploaded`, {
      problems: planner.problems,
    });
  }
  return plan;
}

type Value = { kind: 'omitted' } | { kind: 'keep' } | { kind: 'path'; text: string; node: Node } | { kind: 'invalid'; what: string; node: Node };

class Planner {
  readonly problems: Problem[] = [];

  async planFile(file: string, stack: readonly string[]): Promise<TemplatePlan | undefined> {
    const template = await readTemplate(file);
    if (Array.isArray(template)) {
      this.problems.push(...template);
      return undefined;
    }
    const plan: TemplatePlan = { template, references: [] };
    const resources = template.doc.get('Resources', true);
    // As the CLI: a template without Resources is written back unchanged.
    if (!isMap(resources)) return plan;
    const context = { plan, dir: path.dirname(file), stack: [...stack, file] };
    this.findIncludes(context, template.doc.contents);
    await this.planResources(context, resources);
    return plan;
  }

  private async planResources(context: Context, resources: YAMLMap): Promise<void> {
    for (const pair of resources.items) {
      const id = isScalar(pair.key) ? String(pair.key.value) : '';
      const resource = this.deref(context, pair.value);
      if (id.startsWith('Fn::ForEach::')) {
        const body = isSeq(resource) && resource.items.length === 3 ? this.deref(context, resource.items[2]) : undefined;
        if (isMap(body)) await this.planResources(context, body);
        else this.problem(context, resource ?? pair.key, `${id} must be a list of three items: identifier, collection and a map of resources`);
        continue;
      }
      if (!isMap(resource)) continue;
      const type = this.deref(context, resource.get('Type', true));
      const properties = this.deref(context, resource.get('Properties', true));
      if (!isScalar(type) || typeof type.value !== 'string' || !isMap(properties)) continue;
      for (const rule of propertiesOf(type.value)) await this.planProperty(context, id, properties, rule);
    }
  }

  private async planProperty(context: Context, id: string, properties: YAMLMap, rule: PackageableProperty): Promise<void> {
    let container = properties;
    for (const segment of rule.property.slice(0, -1)) {
      const child = this.deref(context, container.get(segment, true));
      // Missing or not a map (an intrinsic function): nothing the CLI would package.
      if (!isMap(child)) return;
      container = child;
    }
    const key = rule.property[rule.property.length - 1] ?? '';
    const name = rule.property.join('.');
    const value = this.classify(context, container.get(key, true));
    const where = `resource ${id} property ${name}`;
    switch (value.kind) {
      case 'keep':
        return;
      case 'invalid':
        this.problem(context, value.node, `${where} is ${value.what}; it must be a local path, an s3:// URL or an intrinsic function`);
        return;
      case 'omitted':
        if (rule.packageWhenOmitted) {
          context.plan.references.push({ container, key, shape: rule.shape, source: { kind: 'folder', path: context.dir } });
        }
        return;
      case 'path':
        break;
      default:
        return assertNever(value);
    }
    const abs = path.resolve(context.dir, value.text);
    const stat = statOf(abs);
    if (stat === undefined) {
      this.problem(context, value.node, `${where} refers to ${value.text}, which does not exist (${abs})`, this.pathHint(context));
      return;
    }
    if (rule.shape.kind === 'template-url') {
      if (!stat.isFile()) {
        this.problem(context, value.node, `${where} refers to the folder ${value.text}; it must be a template file or an S3 URL`);
        return;
      }
      if (context.stack.includes(abs)) {
        this.problem(context, value.node, `${where} refers to ${value.text}, which nests itself: ${[...context.stack, abs].join(' -> ')}`);
        return;
      }
      const nested = await this.planFile(abs, context.stack);
      if (nested) context.plan.references.push({ container, key, shape: rule.shape, source: { kind: 'template', plan: nested } });
      return;
    }
    const source: ArtifactSource = stat.isDirectory() ? { kind: 'folder', path: abs } : { kind: 'file', path: abs, zip: rule.forceZip && !isZipFile(abs) };
    context.plan.references.push({ container, key, shape: rule.shape, source });
  }

  /** `Fn::Transform` / `!Transform` of `AWS::Include` anywhere in the template (the CLI's export_global_artifacts). */
  private findIncludes(context: Context, node: unknown): void {
    if (isMap(node)) {
      if (node.tag === '!Transform') {
        this.planInclude(context, node);
        return;
      }
      for (const pair of node.items) {
        const value = this.deref(context, pair.value);
        if (isScalar(pair.key) && pair.key.value === 'Fn::Transform' && isMap(value)) this.planInclude(context, value);
        else this.findIncludes(context, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) this.findIncludes(context, item);
    }
  }

  private planInclude(context: Context, transform: YAMLMap): void {
    const name = this.deref(context, transform.get('Name', true));
    const parameters = this.deref(context, transform.get('Parameters', true));
    if (!isScalar(name) || name.value !== 'AWS::Include' || !isMap(parameters)) return;
    const value = this.classify(context, parameters.get('Location', true));
    if (value.kind !== 'path') return;
    const abs = path.resolve(context.dir, value.text);
    if (!statOf(abs)?.isFile()) {
      this.problem(context, value.node, `AWS::Include Location refers to ${value.text}, which is not a file (${abs})`, this.pathHint(context));
      return;
    }
    context.plan.references.push({ container: parameters, key: 'Location', shape: { kind: 'url' }, source: { kind: 'file', path: abs, zip: false } });
  }

  private classify(context: Context, raw: unknown): Value {
    const node = this.deref(context, raw);
    if (node === undefined) return { kind: 'omitted' };
    if (node.tag !== undefined && SHORT_FORMS.has(node.tag)) return { kind: 'keep' };
    if (isMap(node)) return { kind: 'keep' };
    if (isSeq(node)) return { kind: 'invalid', what: 'a list', node };
    if (!isScalar(node)) return { kind: 'keep' };
    const value = node.value;
    if (value === null || value === '') return { kind: 'omitted' };
    if (typeof value !== 'string') return { kind: 'invalid', what: `the ${typeof value} ${JSON.stringify(value) ?? ''}`, node };
    if (/^(s3|https?):\/\//.test(value)) return { kind: 'keep' };
    return { kind: 'path', text: value, node };
  }

  private deref(context: Context, node: unknown): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return this.deref(context, node.resolve(context.plan.template.doc));
    return node as Node;
  }

  private problem(context: Context, node: unknown, message: string, hint?: string): void {
    const { locator } = context.plan.template;
    const location: SourceLocation = node && typeof node === 'object' && 'range' in node ? locator.ofNode(node as Node) : locator.start();
    this.problems.push(hint === undefined ? { location, message } : { location, message, hint });
  }

  private pathHint(context: Context): string {
    return `paths are relative to the template's folder ${context.dir}; give an existing file or folder, an s3:// URL or an intrinsic function`;
  }
}

interface Context {
  plan: TemplatePlan;
  dir: string;
  /** The templates being planned, outermost first: a nested template already on it would nest forever. */
  stack: readonly string[];
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Python's zipfile.is_zipfile: an end-of-central-directory record near the end, whatever the name. */
export function isZipFile(file: string): boolean {
  const END_RECORD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
  const MAX_TAIL = 22 + 0xffff;
  let handle: number | undefined;
  try {
    handle = fs.openSync(file, 'r');
    const size = fs.fstatSync(handle).size;
    const length = Math.min(size, MAX_TAIL);
    const tail = Buffer.alloc(length);
    fs.readSync(handle, tail, 0, length, size - length);
    return tail.lastIndexOf(END_RECORD) >= 0;
  } catch {
    return false;
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}
