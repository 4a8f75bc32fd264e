/**
 * The picture under the cursor while a take is dragged out to a DAW: a small waveform glyph on
 * an accent tile, drawn into a BGRA bitmap here so no image file has to ship (macOS refuses
 * `startDrag` with an empty icon). Pure: the bytes only; Electron's nativeImage wraps them.
 */

/** Edge of the square icon, pixels. */
export const DRAG_ICON_SIZE = 32;

/** The theme's accent (#6ea8ff) and ink (#08111f), as [r, g, b]. */
const TILE: readonly [number, number, number] = [0x6e, 0xa8, 0xff];
const INK: readonly [number, number, number] = [0x08, 0x11, 0x1f];
/** Bar heights of the glyph, as fractions of the tile's inner height, left to right. */
const BARS = [0.3, 0.55, 0.85, 0.45, 1, 0.6, 0.35, 0.7, 0.4];

/**
 * The icon as premultiplied BGRA bytes, row-major, `DRAG_ICON_SIZE`² pixels: a tile with
 * rounded corners (radius 6) and nine centred vertical bars (width 2, gap 1).
 */
export function dragIconBitmap(): Buffer {
  const size = DRAG_ICON_SIZE;
  const bitmap = Buffer.alloc(size * size * 4);
  const radius = 6;
  const barWidth = 2;
  const pitch = 3;
  const glyphLeft = Math.floor((size - (BARS.length * pitch - 1)) / 2);
  const inner = size - 12;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!insideRoundedSquare(x, y, size, radius)) continue;
      const bar = Math.floor((x - glyphLeft) / pitch);
      const inBarColumn = x >= glyphLeft && bar < BARS.length && (x - glyphLeft) % pitch < barWidth;
      const half = ((BARS[bar] ?? 0) * inner) / 2;
      const ink = inBarColumn && Math.abs(y + 0.5 - size / 2) <= half;
      const [r, g, b] = ink ? INK : TILE;
      const offset = (y * size + x) * 4;
      bitmap[offset] = b;
      bitmap[offset + 1] = g;
      bitmap[offset + 2] = r;
      bitmap[offset + 3] = 0xff;
    }
  }
  return bitmap;
}

/** Whether pixel (x, y)'s centre lies in a size×size square with corners of `radius`. */
function insideRoundedSquare(x: number, y: number, size: number, radius: number): boolean {
  const cx = x + 0.5;
  const cy = y + 0.5;
  const nearestX = Math.min(Math.max(cx, radius), size - radius);
  const nearestY = Math.min(Math.max(cy, radius), size - radius);
  return (cx - nearestX) ** 2 + (cy - nearestY) ** 2 <= radius ** 2;
}
