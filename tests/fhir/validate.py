#!/usr/bin/env python3
"""Validate FHIR R4 JSON files against the fhir.resources models (an implementation independent
of prescreen's Rust code).

Usage: validate.py FILE.json...

Each file must hold one resource; its `resourceType` picks the model. fhir.resources 6.4.0 is
FHIR R4 (4.0.1): it checks structure, required elements, cardinality, primitive formats and that
each answer has exactly one value[x]. It does not check invariants such as qrs-1 or that a
response matches its Questionnaire; prescreen's Rust tests check those (tests/it/export.rs).

Exits 0 when every file is valid, 1 when any is not, 2 when the environment is wrong.
"""

import json
import sys

try:
    import fhir.resources
    from fhir.resources import construct_fhir_element
    from pydantic import ValidationError
except ImportError as e:  # pragma: no cover - environment problem
    print(f"error: {e}; install tests/fhir/requirements.txt", file=sys.stderr)
    sys.exit(2)

EXPECTED_FHIR_VERSION = "4.0.1"
ACCEPTED = {"QuestionnaireResponse", "Questionnaire", "Bundle"}


def validate(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: error: cannot read JSON: {e}")
        return False
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind not in ACCEPTED:
        print(f"{path}: error: resourceType {kind!r} is not one of {sorted(ACCEPTED)}")
        return False
    try:
        construct_fhir_element(kind, data)
    except ValidationError as e:
        print(f"{path}: error: not a valid FHIR R4 {kind}:\n{e}")
        return False
    print(f"{path}: ok ({kind}, FHIR {fhir.resources.__fhir_version__})")
    return True


def main(paths: list[str]) -> int:
    if fhir.resources.__fhir_version__ != EXPECTED_FHIR_VERSION:
        print(
            f"error: fhir.resources models FHIR {fhir.resources.__fhir_version__}, "
            f"expected {EXPECTED_FHIR_VERSION} (R4)",
            file=sys.stderr,
        )
        return 2
    if not paths:
        print("usage: validate.py FILE.json...", file=sys.stderr)
        return 2
    results = [validate(p) for p in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
