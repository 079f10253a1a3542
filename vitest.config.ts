import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Node has no `.wasm` module imports; this gives source files the same thing Wrangler gives them
 * in the Worker: a compiled `WebAssembly.Module` of the real codec.
 */
const compiledWasm = (): Plugin => ({
  name: 'compiled-wasm',
  enforce: 'pre',
  load(id) {
    const path = id.replace(/\?module$/, '');
    if (!path.endsWith('.wasm')) return undefined;
    return `import { readFileSync } from 'node:fs';
export default new WebAssembly.Module(readFileSync(${JSON.stringify(path)}));`;
  },
});

export default defineConfig({
  plugins: [compiledWasm()],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files each start a workerd; two at a time fit a 2-core machine.
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    maxWorkers: 2,
    // Codec packages go through Vite so their `.wasm` imports reach the plugin above.
    server: { deps: { inline: [/@jsquash/, /\.wasm$/] } },
  },
});
