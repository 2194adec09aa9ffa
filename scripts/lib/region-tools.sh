# Sourced by scripts/region.sh and scripts/regions.sh: what converging a region needs on this
# machine.

need() {
  export DEBIAN_FRONTEND=noninteractive
  local missing=()
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; fi
  # Garage is not packaged by Debian: it is built from crates.io once and cached in ~/.cargo/bin.
  if ! command -v garage >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/garage" ]; then
    # Only what a region uses: the SQLite metadata engine, bundled (no LMDB, K2V, metrics or
    # discovery backends): 265 crates instead of 286.
    echo "Installing Garage (cargo install garage; 15 to 20 minutes the first time on 2 cores)..." >&2
    cargo install garage --locked --quiet --no-default-features --features bundled-libs,sqlite
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
}
