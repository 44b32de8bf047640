/**
 * SSM's rules for names, selectors, paths and values, checked before anything is stored so
 * a name that SSM would refuse is refused here too.
 */
import { MeridianError } from '../../domain/errors.js';
import { PARAMETER_TYPES, type ParameterType } from './parameter-store.js';

const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/;
const MAX_NAME = 2048;
const MAX_LEVELS = 15;
/** Standard tier. */
export const MAX_VALUE_BYTES = 4096;
const MAX_DESCRIPTION = 1024;
const EXAMPLE = 'for example /Environment/EU/SourceCodeStorage';

export function checkName(name: string): void {
  const bad = (why: string): MeridianError => new MeridianError('BAD_INPUT', `parameter name "${name}" is not valid: ${why}`, { details: { name } });
  if (name.length === 0 || name.length > MAX_NAME) throw bad(`it must be 1 to ${MAX_NAME} characters long`);
  if (!NAME_CHARS.test(name)) throw bad(`use only letters, digits and _ . - /, ${EXAMPLE}`);
  if (name.includes('/')) {
    if (!name.startsWith('/')) throw bad(`a name with "/" must start with "/", ${EXAMPLE}`);
    if (name.endsWith('/') || name.includes('//')) throw bad(`every level between slashes needs a name, ${EXAMPLE}`);
    if (name.split('/').length - 1 > MAX_LEVELS) throw bad(`a hierarchy has at most ${MAX_LEVELS} levels`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) throw bad('names starting with "aws" or "ssm" are reserved by AWS');
}

/** `name` or `name:version` (names cannot contain ":"). SSM labels are not supported. */
export function parseSelector(selector: string): { name: string; version?: number } {
  const colon = selector.lastIndexOf(':');
  if (colon === -1) {
    checkName(selector);
    return { name: selector };
  }
  const name = selector.slice(0, colon);
  const suffix = selector.slice(colon + 1);
  checkName(name);
  if (!/^[1-9][0-9]*$/.test(suffix)) {
    throw new MeridianError('BAD_INPUT', `"${selector}" selects "${suffix}", which is not a version number; write NAME:VERSION, e.g. ${name}:2`);
  }
  return { name, version: Number(suffix) };
}

export function checkPath(pathName: string): void {
  if (pathName === '/') return;
  if (!pathName.startsWith('/')) {
    throw new MeridianError('BAD_INPUT', `path "${pathName}" must start with "/", for example /Environment/EU`);
  }
  checkName(pathName.endsWith('/') ? pathName.slice(0, -1) : pathName);
}

export function checkType(type: string): ParameterType {
  const found = PARAMETER_TYPES.find((t) => t === type);
  if (!found) throw new MeridianError('BAD_INPUT', `parameter type "${type}" is not one of ${PARAMETER_TYPES.join(', ')}`);
  return found;
}

export function checkValue(name: string, type: ParameterType, value: string): void {
  if (value.length === 0) throw new MeridianError('BAD_INPUT', `parameter ${name} needs a value; SSM does not store empty values`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new MeridianError('BAD_INPUT', `the value of parameter ${name} is ${bytes} bytes; the Standard tier holds at most ${MAX_VALUE_BYTES}`);
  }
  if (type === 'StringList' && value.split(',').some((item) => item.trim() === '')) {
    throw new MeridianError(
      'BAD_INPUT',
      `StringList parameter ${name} has an empty item in "${value}"; write comma-separated items like a,b,c (no empty items)`,
    );
  }
}

export function checkDescription(name: string, description: string): void {
  if (description.length > MAX_DESCRIPTION) {
    throw new MeridianError('BAD_INPUT', `the description of parameter ${name} is longer than ${MAX_DESCRIPTION} characters`);
  }
}
