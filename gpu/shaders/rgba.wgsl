// RGBA framebuffers: shown as they are, opaque.

@group(0) @binding(1) var image: texture_2d<f32>;

@fragment
fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let p = surfacePixel(pos);
  if (p.x < 0) {
    return BORDER;
  }
  return vec4<f32>(textureLoad(image, p, 0).rgb, 1.0);
}
