# Sourced by bench scripts run from the repository root: builds signetd into
# build/ (RelWithDebInfo) unless SKIP_BUILD=1, and sets SIGNETD to it unless
# SIGNETD names another binary.
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build signetd >/dev/null
fi
SIGNETD=${SIGNETD:-$PWD/build/apps/signetd/signetd}
