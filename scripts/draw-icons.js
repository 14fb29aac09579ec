#!/usr/bin/env node
// Draws the app's icons into electron/assets/ (committed; run again only to change them):
// three overlapping rings in the status colours, green, orange and red. icon.png (512 px) is
// the window and installer icon, tray.png and tray@2x.png the tray's.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

const out = path.resolve(import.meta.dirname, '..', 'electron', 'assets')

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** An RGBA image as PNG: colour type 6, 8 bits, no interlace, filter 0 on every row. */
function png(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++)
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const RINGS = [
  { cx: 0.35, cy: 0.4, color: [0x2e, 0x9e, 0x5b] }, // green
  { cx: 0.65, cy: 0.4, color: [0xf0, 0x8c, 0x1a] }, // orange
  { cx: 0.5, cy: 0.66, color: [0xd6, 0x33, 0x33] }, // red
]

/** Rings of radius r and width w (fractions of the size), 4×4 supersampled. */
function draw(size, r = 0.24, w = 0.08) {
  const rgba = Buffer.alloc(size * size * 4)
  const samples = 4
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let [rr, gg, bb, aa] = [0, 0, 0, 0]
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const px = (x + (sx + 0.5) / samples) / size
          const py = (y + (sy + 0.5) / samples) / size
          // The last ring drawn on top wins, as paint would.
          for (let i = RINGS.length - 1; i >= 0; i--) {
            const ring = RINGS[i]
            const d = Math.hypot(px - ring.cx, py - ring.cy)
            if (Math.abs(d - r) <= w / 2) {
              rr += ring.color[0]
              gg += ring.color[1]
              bb += ring.color[2]
              aa += 255
              break
            }
          }
        }
      }
      const n = samples * samples
      const covered = aa / 255
      const at = (y * size + x) * 4
      if (covered > 0) {
        rgba[at] = Math.round(rr / covered)
        rgba[at + 1] = Math.round(gg / covered)
        rgba[at + 2] = Math.round(bb / covered)
      }
      rgba[at + 3] = Math.round(aa / n)
    }
  }
  return png(size, rgba)
}

fs.mkdirSync(out, { recursive: true })
fs.writeFileSync(path.join(out, 'icon.png'), draw(512))
// Small sizes need thicker strokes to read at all.
fs.writeFileSync(path.join(out, 'tray.png'), draw(16, 0.25, 0.13))
fs.writeFileSync(path.join(out, 'tray@2x.png'), draw(32, 0.25, 0.12))
for (const f of fs.readdirSync(out))
  console.log(`${f}: ${fs.statSync(path.join(out, f)).size} bytes`)
