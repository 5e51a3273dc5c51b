# Sourced by the peer benchmarks: ensure_peer_venv creates .bench/peer-venv (LangChain 0.3
# and llama-cpp-python 0.3.36 built with our crate's ggml CPU flags) unless it works.
# Needs ROOT set and a log function.

ensure_peer_venv() {
    local venv="$ROOT/.bench/peer-venv" sdist="$ROOT/.bench/llama_cpp_python-0.3.36.tar.gz"
    "$venv/bin/python" -c 'import llama_cpp, langchain' 2>/dev/null && return
    log "creating the peer venv $venv (llama-cpp-python is a source build: several minutes)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "langchain>=0.3,<0.4" "langchain-community>=0.3,<0.4" \
        "langchain-text-splitters>=0.3,<0.4"
    # Same ggml CPU flags as our crate's build (GGML_NATIVE=OFF: AVX2/FMA/F16C, no
    # AVX-512; OpenMP), Release (-O3), as llama-cpp-sys-2 builds it for --release.
    local src="llama-cpp-python==0.3.36"
    [[ -f "$sdist" ]] && src="$sdist"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DCMAKE_BUILD_TYPE=Release -DGGML_OPENMP=ON -DLLAMA_CURL=OFF" \
        CMAKE_BUILD_PARALLEL_LEVEL=2 "$venv/bin/pip" install -q --no-cache-dir "$src"
}
