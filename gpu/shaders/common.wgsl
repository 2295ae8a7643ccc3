// Shared by the three surface shaders: one triangle over the canvas, and
// the mapping from a canvas pixel to the surface pixel it shows.

struct Params {
  // surface width and height in pixels; the canvas pixel of its top-left
  size_origin: vec4<u32>,
  // integer scale; text cell width (8 or 9); flags (text only):
  // 1 = draw the cursor now, 2 = blinking characters are shown now,
  // 4 = attribute bit 7 blinks (else it brightens the background)
  scale_cell_flags: vec4<u32>,
  // text cursor: column, row, first and last scanline
  cursor: vec4<u32>,
}

@group(0) @binding(0) var<uniform> P: Params;

const BORDER = vec4<f32>(0.0, 0.0, 0.0, 1.0);

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
  // (-1,-1), (3,-1), (-1,3): one triangle that covers the viewport.
  let x = f32((i << 1u) & 2u) * 2.0 - 1.0;
  let y = f32(i & 2u) * 2.0 - 1.0;
  return vec4<f32>(x, y, 0.0, 1.0);
}

// surfacePixel returns the surface pixel that canvas fragment pos shows,
// or (-1, -1) on the border. pos.xy are pixel centres, so floor gives the
// canvas pixel exactly and integer division replicates pixels.
fn surfacePixel(pos: vec4<f32>) -> vec2<i32> {
  let f = vec2<u32>(floor(pos.xy));
  let o = P.size_origin.zw;
  if (f.x < o.x || f.y < o.y) {
    return vec2<i32>(-1, -1);
  }
  let q = (f - o) / P.scale_cell_flags.x;
  if (q.x >= P.size_origin.x || q.y >= P.size_origin.y) {
    return vec2<i32>(-1, -1);
  }
  return vec2<i32>(q);
}
