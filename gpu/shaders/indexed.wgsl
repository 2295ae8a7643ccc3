// Indexed framebuffers: one palette index per pixel (r8uint), looked up
// in a 256x1 palette texture.

@group(0) @binding(1) var indices: texture_2d<u32>;
@group(0) @binding(2) var palette: texture_2d<f32>;

@fragment
fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let p = surfacePixel(pos);
  if (p.x < 0) {
    return BORDER;
  }
  let index = textureLoad(indices, p, 0).r;
  return vec4<f32>(textureLoad(palette, vec2<u32>(index, 0u), 0).rgb, 1.0);
}
