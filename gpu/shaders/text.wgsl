// Text grids: cells as an rg8uint texture (r: code page 437 character,
// g: attribute), glyphs from a 128x256 r8uint atlas (character c at
// column c % 16, row c / 16 of 8x16 cells), colours from a 16x1 palette.
// The same rules as surface.RenderRows: background 0-7 and blinking when
// bit 7 blinks, a ninth column that repeats the eighth for C0h-DFh, a
// cursor in the cell's foreground colour.

@group(0) @binding(1) var cells: texture_2d<u32>;
@group(0) @binding(2) var palette: texture_2d<f32>;
@group(0) @binding(3) var atlas: texture_2d<u32>;

@fragment
fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let q = surfacePixel(pos);
  if (q.x < 0) {
    return BORDER;
  }
  let p = vec2<u32>(q);
  let cw = P.scale_cell_flags.y;
  let flags = P.scale_cell_flags.z;
  let cell = vec2<u32>(p.x / cw, p.y / 16u);
  let gx = p.x % cw;
  let gy = p.y % 16u;
  let c = textureLoad(cells, cell, 0);
  let ch = c.r;
  let attr = c.g;

  var fg = attr & 15u;
  var bg = attr >> 4u;
  if ((flags & 4u) != 0u) {
    bg = bg & 7u;
    if ((attr & 128u) != 0u && (flags & 2u) == 0u) {
      fg = bg;
    }
  }

  let col = min(gx, 7u);
  var on = textureLoad(atlas, vec2<u32>((ch % 16u) * 8u + col, (ch / 16u) * 16u + gy), 0).r != 0u;
  if (gx == 8u && (ch < 0xC0u || ch > 0xDFu)) {
    on = false;
  }
  if ((flags & 1u) != 0u && all(cell == P.cursor.xy) && gy >= P.cursor.z && gy <= P.cursor.w) {
    on = true;
    fg = attr & 15u;
  }

  var index = bg;
  if (on) {
    index = fg;
  }
  return vec4<f32>(textureLoad(palette, vec2<u32>(index, 0u), 0).rgb, 1.0);
}
