import { defineConfig, type Plugin } from 'vite';

/**
 * Logseq loads an unpacked plugin's page from `file://`, where a browser refuses module scripts
 * (their origin is opaque): the bundle is one classic script instead, run once the page is parsed.
 */
function classicScript(): Plugin {
  return {
    name: 'tta-classic-script',
    enforce: 'post',
    transformIndexHtml: (html) =>
      html
        .replace(/<script type="module" crossorigin /g, '<script defer ')
        .replace(/ crossorigin /g, ' '),
  };
}

export default defineConfig({
  // Logseq loads dist/index.html from the plugin's folder (file:// or lsp://): relative URLs only.
  base: './',
  plugins: [classicScript()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    modulePreload: false,
    rolldownOptions: { output: { format: 'iife' } },
  },
});
