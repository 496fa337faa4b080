// The project folder, for files the server reads beside its code (migrations). One `..` from here and
// from the bundle dist/server.mjs (scripts/build-server.mjs) alike, so both find the same folder.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
