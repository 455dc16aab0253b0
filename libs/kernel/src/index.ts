export * from './errors.js';
export * from './roles.js';
export * from './pii-cipher.js';
export * from './masking.js';
export * from './geo.js';
export * from './page.js';
export * from './access.js';
export * from './kernel.module.js';
