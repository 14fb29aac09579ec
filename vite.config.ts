import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The UI is served by the headless node and loaded from disk by Electron: relative asset
// paths work for both.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: false },
})
