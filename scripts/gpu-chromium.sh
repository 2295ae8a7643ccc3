#!/bin/bash
# Chromium for browser tests that draw with WebGPU on a canvas, headless and
# without a GPU. Use it as the `chromium` the test runner finds on PATH
# (scripts/gpu-browser-test.sh does; tools/chromium/chromium can exec it).
#
# --enable-unsafe-webgpu gives WebGPU a SwiftShader adapter, which is enough
# for compute and for textures read back directly, but a WebGPU *canvas*
# also needs the compositor to share the swap chain's images with Dawn.
# Headless Chromium's default compositor cannot ("Could not find
# SharedImageBackingFactory ... WebgpuSwapChainTexture"), and the GPU
# process then drops the WebGPU instance, so every later call fails with
# "A valid external Instance reference no longer exists". Running Dawn and
# the compositor both on SwiftShader fixes that: the Vulkan feature with
# --use-vulkan=swiftshader, and ANGLE on SwiftShader.
#
# Chromium honours only the last --enable-features it is given, and the test
# runner (chromedp) passes one of its own, so all of them are merged here.
set -eu
features=Vulkan
args=()
for a in "$@"; do
	case "$a" in
	--enable-features=*) features="$features,${a#--enable-features=}" ;;
	*) args+=("$a") ;;
	esac
done
for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
	if [ -x "$c" ]; then
		exec "$c" --enable-unsafe-webgpu --use-angle=swiftshader --use-vulkan=swiftshader \
			--enable-features="$features" "${args[@]}"
	fi
done
echo "chromium not found" >&2
exit 127
