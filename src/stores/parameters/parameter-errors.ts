/** The errors every ParameterStore gives, so local and SSM stores say the same words. */
import { MeridianError } from '../../domain/errors.js';

export function parameterNotFound(name: string): MeridianError {
  return new MeridianError('NOT_FOUND', `parameter ${name} not found; create it with \`meridian params put ${name} VALUE\``, { details: { name } });
}

export function parameterVersionNotFound(name: string, version: number): MeridianError {
  return new MeridianError('NOT_FOUND', `parameter ${name} has no version ${version}; see its versions with \`meridian params history ${name}\``, {
    details: { name, version },
  });
}

export function parameterAlreadyExists(name: string): MeridianError {
  return new MeridianError('CONFLICT', `parameter ${name} already exists; pass --overwrite to replace it`, { details: { name } });
}
