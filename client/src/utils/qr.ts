/**
 * QR codes with the `qrcode` library's encoder (QRCode.create: segments, version, error correction,
 * masking); the drawing is ours, on any 2D canvas context (weapp Canvas 2D node or a browser canvas).
 */
import QRCode, { type QRCodeSegment } from 'qrcode'

export interface QrMatrix {
  version: number
  /** modules per side: 4 × version + 17 */
  size: number
  /** rows of modules, true = dark */
  rows: boolean[][]
}

/** UTF-8 bytes without TextEncoder (missing in older WeChat base libraries and in jsdom). */
function utf8(text: string): Uint8Array {
  const bin = unescape(encodeURIComponent(text))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/**
 * One segment in the densest mode that fits: digits (the member code) → numeric, QR's alphanumeric
 * set → alphanumeric, anything else → bytes. Handing `qrcode` ready segments keeps it from calling
 * TextEncoder, which not every mini-program runtime has.
 */
function segmentsOf(text: string): QRCodeSegment[] {
  if (/^\d+$/.test(text)) return [{ data: text, mode: 'numeric' }]
  if (/^[0-9A-Z $%*+\-./:]+$/.test(text)) return [{ data: text, mode: 'alphanumeric' }]
  return [{ data: utf8(text), mode: 'byte' }]
}

export function qrMatrix(text: string, errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H' = 'M'): QrMatrix {
  const qr = QRCode.create(segmentsOf(text), { errorCorrectionLevel })
  const size = qr.modules.size
  const rows: boolean[][] = []
  for (let r = 0; r < size; r++) {
    const row: boolean[] = []
    for (let c = 0; c < size; c++) row.push(!!qr.modules.get(r, c))
    rows.push(row)
  }
  return { version: qr.version, size, rows }
}

/** The part of CanvasRenderingContext2D we draw with (weapp's Canvas 2D context has it too). */
export interface Canvas2D {
  fillStyle: unknown
  fillRect(x: number, y: number, w: number, h: number): void
}

export interface DrawOptions {
  /** quiet zone around the symbol, in modules (the standard asks for 4) */
  margin?: number
  dark?: string
  light?: string
}

/**
 * Draws `m` into a `pixels` × `pixels` square. Modules get a whole number of pixels (no blurry seams
 * between them), centred; horizontal runs of dark modules are one rectangle each.
 * Returns the module size in pixels (0 when the square is too small to draw a readable code).
 */
export function drawQr(ctx: Canvas2D, m: QrMatrix, pixels: number, opts: DrawOptions = {}): number {
  const { margin = 4, dark = '#000000', light = '#ffffff' } = opts
  ctx.fillStyle = light
  ctx.fillRect(0, 0, pixels, pixels)
  const cell = Math.floor(pixels / (m.size + 2 * margin))
  if (cell < 1) return 0
  const offset = Math.floor((pixels - cell * m.size) / 2)
  ctx.fillStyle = dark
  m.rows.forEach((row, r) => {
    let c = 0
    while (c < m.size) {
      if (!row[c]) {
        c++
        continue
      }
      const start = c
      while (c < m.size && row[c]) c++
      ctx.fillRect(offset + start * cell, offset + r * cell, (c - start) * cell, cell)
    }
  })
  return cell
}
