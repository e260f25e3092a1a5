#!/usr/bin/env bash
# Installs what the reference Python party (clients/python) needs, from Debian's packages only: the interpreter's
# protobuf runtime, httpx with HTTP/2 (h2), and protoc, then generates the causeway.v1 message modules from the
# repository's .proto files into clients/python/generated (not committed: protoc and the runtime come from the same
# Debian release, so they always match). Idempotent. The tests run this party beside .NET parties (PythonPartyTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python=/usr/bin/python3

if ! { [ -x "$python" ] && "$python" -c "import google.protobuf, httpx, h2" 2>/dev/null && command -v protoc >/dev/null 2>&1; }; then
    # shellcheck source=lib/apt.sh
    . "$root/scripts/lib/apt.sh"
    apt_install install-python-party.sh python3 python3-protobuf python3-httpx python3-h2 protobuf-compiler
fi

out="$root/clients/python/generated"
mkdir -p "$out"
protoc --proto_path="$root/src/Causeway.Protocol/Protos" --python_out="$out" "$root"/src/Causeway.Protocol/Protos/causeway/v1/*.proto
touch "$out/causeway/__init__.py" "$out/causeway/v1/__init__.py"
"$python" -c "import sys; sys.path.insert(0, '$out'); from causeway.v1 import messages_pb2" \
    && echo "reference Python party ready: $python $root/clients/python/causeway_party.py --help"
