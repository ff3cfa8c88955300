import path from 'node:path';

// Config files run from demo/config while type-checked and from demo/dist/config once compiled.
const configDir = __dirname;
export const demoDir = path.basename(path.dirname(path.dirname(configDir))) === 'demo' && path.basename(path.dirname(configDir)) === 'dist'
  ? path.resolve(configDir, '..', '..')
  : path.resolve(configDir, '..');
export const repositoryDir = path.resolve(demoDir, '..');
