#!/usr/bin/env bash
# Benchmark helper: downloads llama.cpp's tools (llama-bench, llama-server, llama-quantize)
# from the llama-cpp-python sdist and builds them into .bench/ (gitignored) with the same
# ggml CPU flags that llama-cpp-sys-2's build.rs uses for our crate. Third-party code is
# only downloaded and built here, never committed. See BENCHMARKS.md "LLM engine".
#
# Why the sdist: llama-cpp-sys-2 0.1.161 ships llama.cpp's library sources but its
# tools/llama-bench and tools/server folders hold only READMEs, so the tools cannot be
# built from the crate's own tree. The script prints both sides' llama.cpp version
# strings so the comparison can say which commit each side is.
#
# Flags: our workspace sets no `-C target-cpu`, so build.rs passes GGML_NATIVE=OFF (ggml
# then defaults AVX, AVX2, BMI2, FMA, F16C, SSE4.2 ON and AVX-512 OFF), GGML_OPENMP=ON
# (llama-cpp-2's `openmp` feature), static libs, and cc-rs's `-m64 -march=x86-64`
# C/C++ flags; a `cargo --release` build gives CMAKE_BUILD_TYPE=Release. Same here.
#
# Usage: bench/build_llama_tools.sh            (about 4-6 minutes on 2 cores)
#        JOBS=4 bench/build_llama_tools.sh
set -euo pipefail

VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
JOBS="${JOBS:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/.bench"
SRC_PARENT="$WORK/llama-cpp-python-src"
BUILD="$WORK/llama-tools-build"
OUT="$WORK/llama-tools"
PY="${PYTHON:-python3}"

mkdir -p "$WORK" "$OUT"

sdist="$(ls "$WORK"/llama_cpp_python-"$VERSION".tar.gz 2>/dev/null || true)"
if [[ -z "$sdist" ]]; then
    echo "== downloading llama-cpp-python==$VERSION sdist into $WORK"
    "$PY" -m pip download --no-deps --no-binary :all: --dest "$WORK" "llama-cpp-python==$VERSION"
    sdist="$(ls "$WORK"/llama_cpp_python-"$VERSION".tar.gz)"
fi

src="$SRC_PARENT/llama_cpp_python-$VERSION/vendor/llama.cpp"
if [[ ! -d "$src" ]]; then
    echo "== unpacking $sdist"
    mkdir -p "$SRC_PARENT"
    tar -xzf "$sdist" -C "$SRC_PARENT"
fi
for d in tools/llama-bench tools/server tools/quantize; do
    [[ -f "$src/$d/CMakeLists.txt" ]] || { echo "missing $d sources in $src" >&2; exit 1; }
done

# Which llama.cpp each side is: the sdist's tree vs the crate's vendored tree.
crate_src="$(ls -d "$HOME"/.cargo/registry/src/*/llama-cpp-sys-2-0.1.161/llama.cpp 2>/dev/null | head -n1 || true)"
show_version() {
    local tree="$1"
    grep -hE 'LLAMA_BUILD_NUMBER|LLAMA_BUILD_COMMIT|set\(LLAMA_VERSION' "$tree/CMakeLists.txt" 2>/dev/null | head -n4 || true
    if [[ -f "$tree/include/llama.h" ]]; then echo "include/llama.h sha256: $(sha256sum "$tree/include/llama.h" | cut -c1-16)"; fi
    if [[ -f "$tree/src/llama-model.cpp" ]]; then echo "src/llama-model.cpp sha256: $(sha256sum "$tree/src/llama-model.cpp" | cut -c1-16)"; fi
}
echo "== sdist llama.cpp ($src):"; show_version "$src"
if [[ -n "$crate_src" ]]; then echo "== crate llama.cpp ($crate_src):"; show_version "$crate_src"; fi

echo "== configuring (Release, GGML_NATIVE=OFF, OpenMP, LLAMA_CURL=OFF)"
cmake -S "$src" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="-ffunction-sections -fdata-sections -fPIC -m64 -march=x86-64" \
    -DCMAKE_CXX_FLAGS="-ffunction-sections -fdata-sections -fPIC -m64 -march=x86-64" \
    -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=OFF \
    -DGGML_OPENMP=ON \
    -DGGML_BLAS=OFF \
    -DGGML_METAL=OFF \
    -DGGML_CUDA=OFF \
    -DLLAMA_CURL=OFF \
    -DLLAMA_OPENSSL=OFF \
    -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_TOOLS=ON \
    -DLLAMA_BUILD_SERVER=ON >"$WORK/llama-tools-configure.log"
grep -E "GGML_(NATIVE|AVX|AVX2|AVX512|FMA|F16C|BMI2|OPENMP):" "$BUILD/CMakeCache.txt" || true

echo "== building llama-bench llama-server llama-quantize with -j$JOBS"
cmake --build "$BUILD" --config Release -j "$JOBS" --target llama-bench llama-server llama-quantize

for b in llama-bench llama-server llama-quantize; do
    cp "$BUILD/bin/$b" "$OUT/$b"
done
"$OUT/llama-bench" --version 2>&1 | tail -n2 || true
echo "== done: $(ls "$OUT" | tr "\n" " ")"
