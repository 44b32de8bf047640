/**
 * The AWS SDK clients, loaded when first used: they are a large part of the bundle, and most
 * commands (a local run, validate, plan, the server with folder stores) never call AWS. Each
 * user imports only the types statically.
 */
import { lazy } from './lazy.js';

export const loadS3 = lazy(() => import('@aws-sdk/client-s3'));
export const loadS3Upload = lazy(() => import('@aws-sdk/lib-storage'));
export const loadSsm = lazy(() => import('@aws-sdk/client-ssm'));
export const loadCloudFormation = lazy(() => import('@aws-sdk/client-cloudformation'));
